// The loaded pages of the news feed, shared by the list, the detail and the home card.
// One feed at a time: the signed-in person's (`person:<id>`) or the public one (`public`);
// changing who reads starts again from the first page.
import { useEffect, useState } from 'preact/hooks';
import { news, type NewsItem } from '../api/news';
import type { Failure } from '../api/problems';

export interface FeedState {
  /** `person:<id>` or `public`. */
  key: string | null;
  items: NewsItem[];
  /** The next page's cursor; null at the end. */
  next: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** A « Voir plus » in progress. */
  loadingMore: boolean;
  failure: Failure | null;
}

const EMPTY: FeedState = { key: null, items: [], next: null, status: 'idle', loadingMore: false, failure: null };
let state: FeedState = EMPTY;
const listeners = new Set<(s: FeedState) => void>();

function set(next: FeedState): void {
  state = next;
  for (const listener of listeners) listener(state);
}

/** The feed for a person (signed in) or the public one. */
export const feedKey = (personId: string | null) => (personId ? `person:${personId}` : 'public');

const fetchPage = (key: string, cursor: string | null) => (key === 'public' ? news.public(cursor) : news.mine(cursor));

/** Load the first page of `key` (again when `force`, or when another feed was loaded). */
export async function loadFeed(key: string, force = false): Promise<void> {
  if (!force && state.key === key && state.status !== 'idle' && state.status !== 'error') return;
  set({ ...EMPTY, key, status: 'loading' });
  const outcome = await fetchPage(key, null);
  if (state.key !== key) return;
  if (outcome.ok) set({ ...state, items: outcome.data.items, next: outcome.data.next_cursor ?? null, status: 'ready' });
  else set({ ...state, status: 'error', failure: outcome.failure });
}

/** « Voir plus »: the next page, added after the loaded ones (an item already there is not repeated). */
export async function loadMore(): Promise<void> {
  const { key, next } = state;
  if (!key || !next || state.loadingMore) return;
  set({ ...state, loadingMore: true, failure: null });
  const outcome = await fetchPage(key, next);
  if (state.key !== key) return;
  if (!outcome.ok) {
    set({ ...state, loadingMore: false, failure: outcome.failure });
    return;
  }
  const seen = new Set(state.items.map((item) => item.id));
  const items = [...state.items, ...outcome.data.items.filter((item) => !seen.has(item.id))];
  set({ ...state, items, next: outcome.data.next_cursor ?? null, loadingMore: false });
}

/** Mark an item read (signed in only): at once in the loaded pages, then on the server. */
export async function markRead(id: number): Promise<void> {
  if (!state.key || state.key === 'public') return;
  const item = state.items.find((i) => i.id === id);
  if (!item || item.read) return;
  set({ ...state, items: state.items.map((i) => (i.id === id ? { ...i, read: true } : i)) });
  // A failure (404: no longer the caller's, offline) leaves it unread on the server: it is shown
  // unread again at the next load, nothing else to do.
  await news.markRead(id);
}

/** Forget the loaded pages (tests; sign-out changes the key anyway). */
export function resetNews(): void {
  set(EMPTY);
}

/** Hook: the feed of `key`, loading its first page when needed. */
export function useFeed(key: string | null): FeedState {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    listeners.add(setCurrent);
    setCurrent(state);
    return () => {
      listeners.delete(setCurrent);
    };
  }, []);
  useEffect(() => {
    if (key) void loadFeed(key);
  }, [key]);
  return current.key === key ? current : { ...EMPTY, key, status: key ? 'loading' : 'idle' };
}
