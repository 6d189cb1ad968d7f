// The unread total on the bottom navigation's « Messages » tab (`GET /api/me/messages/unread`,
// muted conversations excluded): asked when signed in and when the live stream (re)opens, then
// kept by the stream's events (live.ts); asked again after reading when the stream is closed.
// The total is asked here rather than through api/messages.ts: the home's « Nouveautés » card
// reads it, and the messaging calls would otherwise come with it into the home's first screen
// (and the bundler would split the start-up code into more chunks).
import { api, typed } from '../api/client';
import { store, useStore } from '../store';

const total = store(0);
let asked = 0;

/** Ask the server again (a failure keeps the last total). */
export async function refreshUnread(): Promise<void> {
  const n = ++asked;
  const outcome = await typed(() => api.GET('/me/messages/unread'));
  if (n === asked && outcome.ok) total.set(outcome.data.total);
}

/** A live event set the total (answers to earlier questions are dropped). */
export function setUnread(n: number): void {
  asked++;
  total.set(Math.max(0, n));
}

/** A live message that counts. */
export function addUnread(n: number): void {
  total.set(Math.max(0, total.value + n));
}

/** Signed out: no badge. */
export function resetUnread(): void {
  asked++;
  total.set(0);
}

export function useUnread(): number {
  return useStore(total);
}
