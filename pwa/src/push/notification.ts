// What the service worker does with a push message and with a tap on its notification, as plain
// functions (no DOM or worker types): src/sw.ts wires them to the worker's events, the unit
// tests call them directly. Compiled both for the page (tsconfig.json) and the worker.

/** The categories the server sends (GET /api/me/push-preferences lists the same). */
export const PUSH_CATEGORIES = ['security', 'timetable', 'messages', 'help_requests', 'news', 'registration'] as const;
export type PushCategory = (typeof PUSH_CATEGORIES)[number];

/** Server-side areas: never opened as a page of the app (the worker's navigation denylist too). */
export const SERVER_AREAS: readonly RegExp[] = [/^\/api(\/|$)/, /^\/cas(\/|$)/, /^\/verify(\/|$)/, /^\/healthz$/, /^\/readyz$/, /^\/metrics$/];

export const NOTIFICATION_ICON = '/icons/icon-192.png';
/** One colour on transparent: Android draws only its alpha channel in the status bar. */
export const NOTIFICATION_BADGE = '/icons/badge-72.png';

/** The decrypted push payload, checked: `{title, body, url, category, tag}` from the server. */
export interface PushPayload {
  title: string;
  body: string;
  /** A path of this app (already checked by `safeAppPath`). */
  url: string;
  category: PushCategory | null;
  tag: string | null;
}

const LIMITS = { title: 120, body: 600, tag: 64, url: 2000 };

/**
 * A path of this app for `url`: same origin, http(s), not a server area; anything else (another
 * site, `javascript:`, `//host`, `/api/…`, not a string) is the home page.
 */
export function safeAppPath(url: unknown, origin: string): string {
  if (typeof url !== 'string' || url.trim() === '' || url.length > LIMITS.url) return '/';
  let parsed: URL;
  try {
    parsed = new URL(url.trim(), origin);
  } catch {
    return '/';
  }
  if (parsed.origin !== origin || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return '/';
  if (parsed.username || parsed.password) return '/';
  if (SERVER_AREAS.some((area) => area.test(parsed.pathname))) return '/';
  return parsed.pathname + parsed.search + parsed.hash;
}

/** Printable text, trimmed and cut to `max` characters (with an ellipsis). */
function cleanText(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  // Control characters have nothing to do in a notification (keep line breaks in the body).
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '').trim();
  if (text === '') return null;
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

function isCategory(value: unknown): value is PushCategory {
  return typeof value === 'string' && (PUSH_CATEGORIES as readonly string[]).includes(value);
}

/**
 * The payload of a push message, or null when it is not one of ours (not JSON, not an object,
 * no title). Unknown categories are kept as null; an unsafe `url` becomes `/`.
 */
export function parsePayload(text: string | null | undefined, origin: string): PushPayload | null {
  if (typeof text !== 'string' || text === '') return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  const fields = doc as Record<string, unknown>;
  const title = cleanText(fields.title, LIMITS.title);
  if (!title) return null;
  const tag = cleanText(fields.tag, LIMITS.tag);
  return {
    title,
    body: cleanText(fields.body, LIMITS.body) ?? '',
    url: safeAppPath(fields.url, origin),
    category: isCategory(fields.category) ? fields.category : null,
    tag,
  };
}

/** `NotificationOptions` with the members some TypeScript libraries do not declare yet. */
export interface ShownOptions {
  body: string;
  icon: string;
  badge: string;
  tag?: string;
  renotify?: boolean;
  lang?: string;
  timestamp: number;
  data: { url: string; category: PushCategory | null };
}

const FALLBACK = {
  fr: { title: 'ENT mobile', body: 'Vous avez une nouvelle notification.' },
  en: { title: 'ENT mobile', body: 'You have a new notification.' },
};

/**
 * The notification to show for a payload. A push that is not readable still shows something
 * (a subscription made with `userVisibleOnly` must show a notification for every push), in the
 * browser's language, opening the home page. Security alerts ring again when they replace an
 * older one with the same tag (`renotify` needs a tag).
 */
export function notificationFor(payload: PushPayload | null, browserLang: string, now: number = Date.now()): { title: string; options: ShownOptions } {
  if (!payload) {
    const lang = browserLang.toLowerCase().startsWith('en') ? 'en' : 'fr';
    return {
      title: FALLBACK[lang].title,
      options: {
        body: FALLBACK[lang].body,
        icon: NOTIFICATION_ICON,
        badge: NOTIFICATION_BADGE,
        tag: 'ent-unreadable',
        timestamp: now,
        data: { url: '/', category: null },
      },
    };
  }
  const options: ShownOptions = {
    body: payload.body,
    icon: NOTIFICATION_ICON,
    badge: NOTIFICATION_BADGE,
    timestamp: now,
    data: { url: payload.url, category: payload.category },
  };
  if (payload.tag) {
    options.tag = payload.tag;
    if (payload.category === 'security') options.renotify = true;
  }
  return { title: payload.title, options };
}

/** The part of a `WindowClient` that choosing one needs. */
export interface WindowLike {
  url: string;
  focused?: boolean;
  visibilityState?: string;
}

function pathOf(url: string, origin: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.origin === origin ? parsed.pathname + parsed.search + parsed.hash : null;
  } catch {
    return null;
  }
}

/**
 * The open window of the app to bring forward: one already showing `path`, else the focused
 * one, else a visible one, else the first (`clients.matchAll` lists the most recently focused
 * first). Windows of other origins are never chosen.
 */
export function pickWindow<C extends WindowLike>(windows: readonly C[], path: string, origin: string): C | null {
  const ours = windows.filter((w) => pathOf(w.url, origin) !== null);
  return (
    ours.find((w) => pathOf(w.url, origin) === path) ??
    ours.find((w) => w.focused) ??
    ours.find((w) => w.visibilityState === 'visible') ??
    ours[0] ??
    null
  );
}

/** How a tap was answered (returned for the tests and the worker's test hook). */
export type ClickOutcome = 'focused' | 'routed' | 'navigated' | 'opened' | 'failed';

/** What the click handler needs from the worker (injected, so that it can be tested). */
export interface ClickDeps<C extends WindowLike> {
  origin: string;
  /** `clients.matchAll({type: 'window', includeUncontrolled: true})`. */
  windows: () => Promise<readonly C[]>;
  /** `client.focus()` (allowed only while handling a notification click). */
  focus: (client: C) => Promise<unknown>;
  /** Ask the page to go to `path` with its router (no reload); true when it answered. */
  route: (client: C, path: string) => Promise<boolean>;
  /** `client.navigate(url)`: a full load (a page that did not answer, e.g. an older version). */
  navigate: (client: C, url: string) => Promise<unknown>;
  /** `clients.openWindow(url)`. */
  open: (url: string) => Promise<unknown>;
}

/**
 * A tap on a notification: bring an open window of the app forward and take it to the
 * notification's page (same-origin paths only), or open a new window there.
 */
export async function openNotificationTarget<C extends WindowLike>(data: unknown, deps: ClickDeps<C>): Promise<ClickOutcome> {
  const url = typeof data === 'object' && data !== null ? (data as { url?: unknown }).url : undefined;
  const path = safeAppPath(url, deps.origin);
  const openNew = async (): Promise<ClickOutcome> => {
    try {
      await deps.open(deps.origin + path);
      return 'opened';
    } catch {
      return 'failed';
    }
  };
  let windows: readonly C[] = [];
  try {
    windows = await deps.windows();
  } catch {
    // no list: open a new window
  }
  const client = pickWindow(windows, path, deps.origin);
  if (!client) return openNew();
  try {
    await deps.focus(client);
  } catch {
    // Focusing is refused outside a real tap: still take the window to the page.
  }
  if (pathOf(client.url, deps.origin) === path) return 'focused';
  if (await deps.route(client, path).catch(() => false)) return 'routed';
  try {
    await deps.navigate(client, deps.origin + path);
    return 'navigated';
  } catch {
    return openNew();
  }
}

/** The messages between the page and the worker. */
export const MESSAGE = {
  /** worker → page: go to `path` with the router; answer `{ok: true}` on the given port. */
  navigate: 'ent:navigate',
  /** worker → page: the push subscription was renewed (`pushsubscriptionchange`). */
  subscriptionChanged: 'ent:push-subscription-changed',
  /**
   * page → worker: act as if the shown notification with `tag` was tapped; answers
   * `{outcome}` on the given port. Headless Chromium cannot tap a system notification: the
   * browser tests use this to run the same click handler.
   */
  activate: 'ent:activate-notification',
} as const;

/** `{type, ...}` messages only. */
export function messageOf(data: unknown): { type: string; [key: string]: unknown } | null {
  if (typeof data !== 'object' || data === null) return null;
  const type = (data as { type?: unknown }).type;
  return typeof type === 'string' ? (data as { type: string }) : null;
}

/** The subscription body the server wants (`PushSubscription.toJSON()`), or null if incomplete. */
export function subscriptionBody(json: { endpoint?: string | null; keys?: Record<string, string> | null }): {
  endpoint: string;
  keys: { p256dh: string; auth: string };
} | null {
  const endpoint = json.endpoint;
  const p256dh = json.keys?.p256dh;
  const auth = json.keys?.auth;
  if (!endpoint || !p256dh || !auth) return null;
  return { endpoint, keys: { p256dh, auth } };
}

type Fetch = (input: string, init?: { method?: string; headers?: Record<string, string>; body?: string; credentials?: 'same-origin' }) => Promise<{
  ok: boolean;
  status: number;
  json: () => Promise<unknown>;
}>;

/**
 * From the worker, without any page open: register a renewed subscription with the server.
 * The session cookie goes with the worker's requests; the CSRF token is read from
 * GET /api/session, then PUT /api/me/push-subscription. False when signed out or offline (the
 * page registers it at its next start: see syncPush).
 */
export async function registerFromWorker(
  fetch: Fetch,
  origin: string,
  json: { endpoint?: string | null; keys?: Record<string, string> | null },
): Promise<boolean> {
  const body = subscriptionBody(json);
  if (!body) return false;
  try {
    const session = await fetch(`${origin}/api/session`, { credentials: 'same-origin' });
    if (!session.ok) return false;
    const me = (await session.json()) as { csrf_token?: unknown };
    if (typeof me.csrf_token !== 'string') return false;
    const put = await fetch(`${origin}/api/me/push-subscription`, {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: JSON.stringify(body),
    });
    return put.ok;
  } catch {
    return false;
  }
}

/** base64url (the VAPID public key) → bytes for `applicationServerKey`; null if malformed. */
export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(value)) return null;
  const base64 = value.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  try {
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = new Uint8Array(new ArrayBuffer(binary.length));
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/** Whether a subscription's `applicationServerKey` is this key. */
export function sameKey(current: ArrayBuffer | null | undefined, key: Uint8Array): boolean {
  if (!current) return false;
  const bytes = new Uint8Array(current);
  return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
}
