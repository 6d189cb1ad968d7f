// This device's notifications, as the page sees them: whether the browser can receive them,
// the permission, this session's subscription on the server, and the actions (turn on, turn
// off, forget at sign-out, check at start-up). The browser's push APIs sit behind
// `PushBrowser` so that the unit tests can replace them.
import type { Outcome } from '../api/client';
import type { Failure } from '../api/problems';
import { push, type DeviceSubscription } from '../api/push';
import { getLang, onLangChange } from '../i18n';
import { isIos } from '../install';
import { store, useStore } from '../store';
import { base64UrlToBytes, sameKey, subscriptionBody } from './notification';

/** Whether this browser can receive notifications, or must first install the app (iOS). */
export type PushSupport = 'supported' | 'ios-install' | 'unsupported';
export type Permission = 'default' | 'granted' | 'denied';

export interface PushEnvironment {
  serviceWorker: boolean;
  pushManager: boolean;
  notification: boolean;
  ios: boolean;
  standalone: boolean;
}

/**
 * iOS and iPadOS (16.4 and later) offer Web Push only to an app added to the home screen:
 * Safari shows no `PushManager` before that.
 */
export function pushSupport(env: PushEnvironment): PushSupport {
  if (env.serviceWorker && env.pushManager && env.notification) return 'supported';
  if (env.ios && !env.standalone) return 'ios-install';
  return 'unsupported';
}

/** The part of a `PushSubscription` used here. */
export interface SubscriptionLike {
  endpoint: string;
  options?: { applicationServerKey: ArrayBuffer | null };
  toJSON(): { endpoint?: string | null; keys?: Record<string, string> | null };
  unsubscribe(): Promise<boolean>;
}

export interface PushBrowser {
  environment(): PushEnvironment;
  permission(): Permission;
  requestPermission(): Promise<Permission>;
  getSubscription(): Promise<SubscriptionLike | null>;
  subscribe(applicationServerKey: Uint8Array<ArrayBuffer>): Promise<SubscriptionLike>;
}

/** Reject after `ms`: some browser calls never settle (Chromium offline waits for its push service). */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function standalone(): boolean {
  const media = typeof matchMedia === 'function' && matchMedia('(display-mode: standalone)').matches;
  return media || (navigator as Navigator & { standalone?: boolean }).standalone === true;
}

/** The real browser. */
export const realBrowser: PushBrowser = {
  environment: () => ({
    serviceWorker: typeof navigator !== 'undefined' && 'serviceWorker' in navigator,
    pushManager: typeof window !== 'undefined' && 'PushManager' in window,
    notification: typeof window !== 'undefined' && 'Notification' in window,
    ios: typeof navigator !== 'undefined' && isIos(navigator.userAgent, navigator.maxTouchPoints ?? 0),
    standalone: typeof navigator !== 'undefined' && standalone(),
  }),
  permission: () => (typeof Notification === 'undefined' ? 'default' : Notification.permission),
  requestPermission: async () => (typeof Notification === 'undefined' ? 'denied' : Notification.requestPermission()),
  async getSubscription() {
    const registration = await within(10_000, navigator.serviceWorker.ready);
    return within(10_000, registration.pushManager.getSubscription());
  },
  async subscribe(applicationServerKey) {
    const registration = await within(10_000, navigator.serviceWorker.ready);
    return within(20_000, registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey }));
  },
};

let browser: PushBrowser = realBrowser;

/** For tests: a fake browser (the real one when called without argument). */
export function setPushBrowser(next: PushBrowser = realBrowser): void {
  browser = next;
  vapid = null;
  pushState.set(initialState());
}

// ---- What was registered last (this browser only) --------------------------------------------

/**
 * The last subscription this page registered: whose it is (to renew it only for the same person),
 * its endpoint (to notice a renewal by the worker) and language (the server writes the
 * notifications in it). No name, no key.
 */
const RECORD_KEY = 'ent.push';
interface PushRecord {
  owner: string;
  endpoint: string;
  lang: string;
}

function readRecord(): PushRecord | null {
  try {
    const value = JSON.parse(localStorage.getItem(RECORD_KEY) ?? 'null') as Partial<PushRecord> | null;
    return value && typeof value.owner === 'string' && typeof value.endpoint === 'string' && typeof value.lang === 'string'
      ? (value as PushRecord)
      : null;
  } catch {
    return null;
  }
}

function writeRecord(record: PushRecord | null): void {
  try {
    if (record) localStorage.setItem(RECORD_KEY, JSON.stringify(record));
    else localStorage.removeItem(RECORD_KEY);
  } catch {
    // storage disabled: the next start checks again with the server
  }
}

// ---- « Plus tard » ----------------------------------------------------------------------------

export const LATER_KEY = 'ent.push.later';
export const LATER_DAYS = 7;

export function laterUntil(): number | null {
  try {
    const value = Number(localStorage.getItem(LATER_KEY));
    return Number.isFinite(value) && value > 0 ? value : null;
  } catch {
    return null;
  }
}

/** Hide the home page's card for LATER_DAYS days. */
export function askLater(now: number = Date.now()): void {
  try {
    localStorage.setItem(LATER_KEY, String(now + LATER_DAYS * 86_400_000));
  } catch {
    // storage disabled: hidden for this page only
  }
  pushState.set({ ...pushState.value, later: now + LATER_DAYS * 86_400_000 });
}

// ---- State -----------------------------------------------------------------------------------

export interface PushDeviceState {
  support: PushSupport;
  permission: Permission;
  /** This session's subscription on the server; null until known (or when not supported). */
  server: DeviceSubscription | null;
  later: number | null;
}

function initialState(): PushDeviceState {
  const support = pushSupport(browser.environment());
  return { support, permission: support === 'supported' ? browser.permission() : 'default', server: null, later: laterUntil() };
}

const pushState = store<PushDeviceState>(initialState());

function setServer(server: DeviceSubscription | null): void {
  pushState.set({ ...pushState.value, permission: pushState.value.support === 'supported' ? browser.permission() : 'default', server });
}

export function getPushState(): PushDeviceState {
  return pushState.value;
}

/** Hook: this device's notification state. */
export function usePushDevice(): PushDeviceState {
  return useStore(pushState);
}

/** What the home page's card shows. */
export type CardMode = 'hidden' | 'ask' | 'ios-install';

/**
 * The home page's card: only once signed in and the device's state is known, not after
 * « Plus tard » (for a few days), not when notifications are already on, and not when the
 * person refused them in the browser (the settings page explains how to allow them again).
 */
export function cardMode(s: PushDeviceState, now: number = Date.now()): CardMode {
  if (s.later !== null && now < s.later) return 'hidden';
  if (s.support === 'ios-install') return 'ios-install';
  if (s.support !== 'supported' || s.server === null || s.server.subscribed) return 'hidden';
  if (s.permission === 'denied') return 'hidden';
  return 'ask';
}

// ---- Actions ---------------------------------------------------------------------------------

const fail = (slug: string): { ok: false; failure: Failure } => ({ ok: false, failure: { slug, status: 0 } });

let vapid: Promise<Outcome<Uint8Array<ArrayBuffer>>> | null = null;

/**
 * The server's VAPID key, asked once. Fetch it before the tap (the card and the settings page
 * do): Safari wants `requestPermission` and `subscribe` close to the person's tap.
 */
export function prefetchKey(): Promise<Outcome<Uint8Array<ArrayBuffer>>> {
  vapid ??= push.vapidKey().then((outcome): Outcome<Uint8Array<ArrayBuffer>> => {
    if (!outcome.ok) {
      vapid = null;
      return outcome;
    }
    const key = base64UrlToBytes(outcome.data.key);
    return key ? { ok: true, data: key } : fail('push-failed');
  });
  return vapid;
}

let lastPerson: string | null = null;

/**
 * Turn notifications on for this device, from a tap: the browser's permission first (its
 * dialog appears only now), then the browser's subscription with the server's key, then
 * PUT /api/me/push-subscription.
 */
export async function enablePush(personId: string): Promise<Outcome<void>> {
  lastPerson = personId;
  if (pushState.value.support !== 'supported') return fail('push-unsupported');
  let permission = browser.permission();
  if (permission === 'default') permission = await browser.requestPermission().catch((): Permission => 'default');
  pushState.set({ ...pushState.value, permission });
  if (permission === 'denied') return fail('push-denied');
  if (permission !== 'granted') return fail('push-dismissed');
  const key = await prefetchKey();
  if (!key.ok) return key;
  let subscription: SubscriptionLike;
  try {
    let existing = await browser.getSubscription();
    // Made with another key (the server's key changed): it cannot be used any more.
    if (existing?.options && !sameKey(existing.options.applicationServerKey, key.data)) {
      await existing.unsubscribe().catch(() => false);
      existing = null;
    }
    subscription = existing ?? (await browser.subscribe(key.data));
  } catch {
    return fail('push-failed');
  }
  const body = subscriptionBody(subscription.toJSON());
  if (!body) return fail('push-failed');
  const put = await push.subscribe(body);
  if (!put.ok) {
    // Refused by the server: do not leave a subscription nobody sends to.
    await subscription.unsubscribe().catch(() => false);
    return put;
  }
  writeRecord({ owner: personId, endpoint: body.endpoint, lang: getLang() });
  const device = await push.device();
  setServer(device.ok ? device.data : { subscribed: true, security_muted: false });
  return { ok: true, data: undefined };
}

/** Remove the browser's subscription (never waits more than a few seconds). */
async function dropLocalSubscription(): Promise<void> {
  writeRecord(null);
  if (pushState.value.support !== 'supported') return;
  try {
    const subscription = await within(5_000, browser.getSubscription());
    await within(5_000, subscription?.unsubscribe() ?? Promise.resolve(true));
  } catch {
    // no service worker, or the browser is slow: the server forgets the subscription anyway
  }
}

/** Turn notifications off for this device: the server forgets it, the browser drops it. */
export async function disablePush(): Promise<Outcome<void>> {
  const outcome = await push.unsubscribe();
  if (!outcome.ok) return outcome;
  await dropLocalSubscription();
  setServer({ subscribed: false, security_muted: false });
  return outcome;
}

/** Mute (or not) security alerts on this device only. */
export async function muteSecurity(muted: boolean): Promise<Outcome<void>> {
  const outcome = await push.muteSecurity(muted);
  if (outcome.ok && pushState.value.server) setServer({ ...pushState.value.server, security_muted: muted });
  return outcome;
}

/**
 * At sign-out: the server forgets the subscription with the session; the browser's is dropped
 * too, so that the next person signing in on this device starts from nothing.
 */
export async function forgetPushOnSignOut(): Promise<void> {
  lastPerson = null;
  await dropLocalSubscription();
  setServer(null);
}

/**
 * Once signed in (and when the worker renewed the subscription, or the language changed): make
 * the server's view of this device match the browser's.
 * - This person's subscription, still in the browser: registered again if the server does not
 *   have it (the session was renewed or expired), if the worker renewed it, or if the language
 *   changed.
 * - A subscription someone else made on this browser (or that nobody registered): dropped;
 *   the card offers notifications to this person.
 * - The server sends to a subscription the browser no longer has: forgotten.
 */
export async function syncPush(personId: string): Promise<void> {
  lastPerson = personId;
  const support = pushSupport(browser.environment());
  if (support !== 'supported') {
    pushState.set({ ...pushState.value, support, server: null });
    return;
  }
  const [device, local] = await Promise.all([push.device(), browser.getSubscription().catch(() => null)]);
  if (!device.ok) {
    setServer(null);
    return;
  }
  let server = device.data;
  const record = readRecord();
  const mine = local !== null && browser.permission() === 'granted' && record?.owner === personId;
  if (local && !mine) {
    await local.unsubscribe().catch(() => false);
    writeRecord(null);
  }
  if (mine && local) {
    const body = subscriptionBody(local.toJSON());
    const stale = !server.subscribed || record?.endpoint !== local.endpoint || record?.lang !== getLang();
    if (body && stale) {
      const put = await push.subscribe(body);
      if (put.ok) {
        writeRecord({ owner: personId, endpoint: body.endpoint, lang: getLang() });
        server = { subscribed: true, security_muted: server.security_muted };
      }
    }
  } else if (server.subscribed) {
    const removed = await push.unsubscribe();
    if (removed.ok) server = { subscribed: false, security_muted: false };
  }
  setServer(server);
}

/** Ask the server again whether this device is subscribed (the settings page, when it opens). */
export async function refreshPush(): Promise<void> {
  if (pushState.value.support !== 'supported') return;
  const device = await push.device();
  if (device.ok) setServer(device.data);
}

/** Check again for the same person (the worker renewed the subscription, the language changed). */
export function resyncPush(): void {
  if (lastPerson) void syncPush(lastPerson);
}

// The server writes notifications in the language this device registered with.
onLangChange(() => resyncPush());
