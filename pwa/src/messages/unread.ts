// The unread total on the bottom navigation's « Messages » tab (`GET /api/me/messages/unread`,
// muted conversations excluded): asked when signed in and when the live stream (re)opens, then
// kept by the stream's events (live.ts); asked again after reading when the stream is closed.
import { useEffect, useState } from 'preact/hooks';
import { messages } from '../api/messages';

let total = 0;
let asked = 0;
const listeners = new Set<(n: number) => void>();

function set(n: number): void {
  total = n;
  for (const listener of listeners) listener(n);
}

/** Ask the server again (a failure keeps the last total). */
export async function refreshUnread(): Promise<void> {
  const n = ++asked;
  const outcome = await messages.unread();
  if (n === asked && outcome.ok) set(outcome.data.total);
}

/** A live event set the total (answers to earlier questions are dropped). */
export function setUnread(n: number): void {
  asked++;
  set(Math.max(0, n));
}

/** A live message that counts. */
export function addUnread(n: number): void {
  set(Math.max(0, total + n));
}

/** Signed out: no badge. */
export function resetUnread(): void {
  asked++;
  set(0);
}

export function useUnread(): number {
  const [n, setN] = useState(total);
  useEffect(() => {
    listeners.add(setN);
    setN(total);
    return () => {
      listeners.delete(setN);
    };
  }, []);
  return n;
}
