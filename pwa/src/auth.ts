import { accounts, type Me } from './api/accounts';
import { onNotSignedIn, setCsrfToken } from './api/client';
import { forgetCard } from './card/store';
import { forgetCourses } from './courses/store';
import { forgetOutbox } from './messages/outbox';
import { forgetNews } from './news/feed';
import { forgetPushOnSignOut } from './push/device';
import { DEFAULT_TABS, knownTabs, navigate, normalisePath, type Tab } from './router';
import { store, useStore } from './store';
import { forgetTimetable } from './timetable/weeks';

/**
 * The session as the interface sees it: loading at start, signed in (with the person), signed
 * out, or offline (the server could not be asked; a person who was signed in keeps the app).
 */
export type AuthState =
  | { status: 'loading' }
  | { status: 'signed-in'; me: Me }
  | { status: 'signed-out'; reason?: 'session-ended' | 'signed-out' }
  | { status: 'offline'; wasSignedIn: boolean; tabs?: readonly string[] };

const SIGNED_IN_KEY = 'ent.signedIn';
// The last bottom navigation the server gave (tab names only), so that it does not change offline.
const TABS_KEY = 'ent.tabs';
const NEXT_KEY = 'ent.next';

const session = store<AuthState>({ status: 'loading' });

function storage(kind: 'local' | 'session'): Storage | null {
  try {
    return kind === 'local' ? globalThis.localStorage : globalThis.sessionStorage;
  } catch {
    return null;
  }
}

function set(next: AuthState): void {
  setCsrfToken(next.status === 'signed-in' ? next.me.csrf_token : null);
  try {
    // Only a flag (no name, no token): lets an installed app open offline after a sign-in.
    if (next.status === 'signed-in') {
      storage('local')?.setItem(SIGNED_IN_KEY, '1');
      storage('local')?.setItem(TABS_KEY, JSON.stringify(next.me.home.tabs));
    }
    if (next.status === 'signed-out') {
      storage('local')?.removeItem(SIGNED_IN_KEY);
      storage('local')?.removeItem(TABS_KEY);
    }
  } catch {
    // storage disabled
  }
  // Signed out (here, elsewhere, or the session ended): this device forgets the timetable, news,
  // the messages waiting to be sent, the student card and the courses.
  if (next.status === 'signed-out') void Promise.all([forgetTimetable(), forgetNews(), forgetOutbox(), forgetCard(), forgetCourses()]);
  session.set(next);
}

export function getAuth(): AuthState {
  return session.value;
}

/** GET /api/session: signed in, or (401) signed out, or offline when the server cannot be reached. */
export async function loadSession(): Promise<AuthState> {
  const outcome = await accounts.session();
  if (outcome.ok) set({ status: 'signed-in', me: outcome.data });
  else if (outcome.failure.slug === 'network' || outcome.failure.status >= 500) {
    const wasSignedIn = storage('local')?.getItem(SIGNED_IN_KEY) === '1';
    set({ status: 'offline', wasSignedIn, tabs: wasSignedIn ? storedTabs() : [] });
  }
  else set({ status: 'signed-out' });
  return session.value;
}

/** The tabs kept at the last sign-in (none when unreadable). */
function storedTabs(): string[] {
  try {
    const tabs: unknown = JSON.parse(storage('local')?.getItem(TABS_KEY) ?? '[]');
    return Array.isArray(tabs) ? tabs.filter((tab): tab is string => typeof tab === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The bottom navigation: the person's (`me.home.tabs`), the one kept from the last sign-in when
 * offline, else the default one; tabs this version does not know are left out.
 */
export function navTabs(auth: AuthState): readonly Tab[] {
  const tabs = auth.status === 'signed-in' ? knownTabs(auth.me.home.tabs) : auth.status === 'offline' ? knownTabs(auth.tabs ?? []) : [];
  return tabs.length > 0 ? tabs : DEFAULT_TABS;
}

/** Hook: the bottom navigation's tabs. */
export function useTabs(): readonly Tab[] {
  return navTabs(useAuth());
}

/** After POST /api/session (or its two-factor step) answered signed_in. */
export function signedIn(me: Me): void {
  set({ status: 'signed-in', me });
}

/** Update the person (e.g. two-factor turned on) without touching the rest. */
export function updateMe(patch: Partial<Me>): void {
  const state = session.value;
  if (state.status === 'signed-in') set({ status: 'signed-in', me: { ...state.me, ...patch } });
}

/**
 * DELETE /api/session (the server forgets this device's push subscription with it), drop the
 * browser's subscription, the stored timetable, news and messages waiting, then the login screen (signed out locally
 * even if the call fails).
 */
export async function signOut(): Promise<void> {
  await Promise.all([accounts.logout(), forgetPushOnSignOut(), forgetTimetable(), forgetNews(), forgetOutbox(), forgetCard(), forgetCourses()]);
  set({ status: 'signed-out', reason: 'signed-out' });
  navigate('/login', { replace: true });
}

/** Remember where the person was going, to return there after signing in. */
export function rememberNext(path: string): void {
  const clean = normalisePath(path.split(/[?#]/)[0] ?? '/');
  if (clean === '/login') return;
  try {
    storage('session')?.setItem(NEXT_KEY, path);
  } catch {
    // storage disabled: back to home after signing in
  }
}

/** The remembered path (once), or home. Only same-origin paths are accepted. */
export function takeNext(): string {
  const next = storage('session')?.getItem(NEXT_KEY) ?? null;
  try {
    storage('session')?.removeItem(NEXT_KEY);
  } catch {
    // storage disabled
  }
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

// A 401 not-signed-in from any call: the session ended elsewhere (revoked, expired).
onNotSignedIn(() => {
  if (session.value.status !== 'signed-in') return;
  if (typeof location !== 'undefined') rememberNext(location.pathname + location.search);
  set({ status: 'signed-out', reason: 'session-ended' });
  navigate('/login', { replace: true });
});

// Back online after starting offline: ask the server again.
if (typeof window !== 'undefined') {
  window.addEventListener('online', () => {
    if (session.value.status === 'offline') void loadSession();
  });
}

/** Hook: the current session state. */
export function useAuth(): AuthState {
  return useStore(session);
}

/** For tests: back to the start. */
export function resetAuth(next: AuthState = { status: 'loading' }): void {
  set(next);
}
