// The loaded pages of the news feed, shared by the list, the detail and the home card.
// One feed at a time: the signed-in person's (`person:<id>`), the public one (`public`), or —
// when the app started offline after a sign-in — this device's copy of the last person's
// (`device`); changing who reads starts again from the first page. A person's pages are kept on
// the device (./store.ts) and shown, marked offline, when the server cannot be reached.
import { useEffect } from 'preact/hooks';
import { news, type NewsItem } from '../api/news';
import type { Failure } from '../api/problems';
import { useOnline } from '../online';
import { store, useStore } from '../store';
import { clearFeed, readFeed, writeFeed, type StoredFeed } from './store';

export interface FeedState {
  /** `person:<id>`, `public` or `device`. */
  key: string | null;
  items: NewsItem[];
  /** The next page's cursor; null at the end. */
  next: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** A « Voir plus » in progress. */
  loadingMore: boolean;
  failure: Failure | null;
  /** Items opened by themselves (`/news/{id}` not in the loaded pages). */
  extra: NewsItem[];
  /** Shown from the device's copy: the server could not be reached. */
  offline: boolean;
  /** When the shown pages came from the server (ms since the epoch). */
  fetchedAt: number | null;
}

const EMPTY: FeedState = {
  key: null,
  items: [],
  next: null,
  status: 'idle',
  loadingMore: false,
  failure: null,
  extra: [],
  offline: false,
  fetchedAt: null,
};
const feed = store<FeedState>(EMPTY);
/** Bumped by forgetNews: answers to requests made before it are dropped, never stored. */
let generation = 0;


/** The feed for a person (signed in) or the public one. */
export const feedKey = (personId: string | null) => (personId ? `person:${personId}` : 'public');
/** The device's copy of the last signed-in person's feed (the app started offline). */
export const DEVICE_FEED = 'device';

const ownerOf = (key: string) => (key.startsWith('person:') ? key.slice('person:'.length) : null);
const fetchPage = (key: string, cursor: string | null) => (key === 'public' ? news.public(cursor) : news.mine(cursor));
/** Network failures and server errors fall back to the stored copy; anything else is shown. */
const unreachable = (failure: Failure) => failure.slug === 'network' || failure.status >= 500;

/** The stored copy `key` may show: a person's own, or any for the device's feed. */
async function copyFor(key: string): Promise<StoredFeed | undefined> {
  if (key === 'public') return undefined;
  const copy = await readFeed();
  const owner = ownerOf(key);
  if (copy && owner !== null && copy.owner !== owner) {
    await clearFeed();
    return undefined;
  }
  return copy;
}

/** Keep the person's loaded pages on the device (not the public feed, not a copy shown offline). */
async function persist(asked: number): Promise<void> {
  const { key, offline, fetchedAt, items, next, extra } = feed.value;
  const owner = key ? ownerOf(key) : null;
  if (!owner || offline || fetchedAt === null || asked !== generation) return;
  await writeFeed({ owner, fetchedAt, items, next, extra });
}

/** Load the first page of `key` (again when `force`, or when another feed was loaded). */
export async function loadFeed(key: string, force = false, now: () => number = Date.now): Promise<void> {
  if (!force && feed.value.key === key && feed.value.status !== 'idle' && feed.value.status !== 'error') return;
  const asked = generation;
  const extra = feed.value.key === key ? feed.value.extra : [];
  feed.set({ ...EMPTY, key, status: 'loading', extra });
  const outcome = await fetchPage(key, null);
  if (feed.value.key !== key || asked !== generation) return;
  if (outcome.ok) {
    feed.set({ ...feed.value, items: outcome.data.items, next: outcome.data.next_cursor ?? null, status: 'ready', fetchedAt: now() });
    await persist(asked);
    return;
  }
  const copy = unreachable(outcome.failure) ? await copyFor(key) : undefined;
  if (feed.value.key !== key || asked !== generation) return;
  if (copy) {
    feed.set({ ...feed.value, items: copy.items, next: copy.next, extra: copy.extra, status: 'ready', offline: true, fetchedAt: copy.fetchedAt });
  } else feed.set({ ...feed.value, status: 'error', failure: outcome.failure });
}

/** « Voir plus »: the next page, added after the loaded ones (an item already there is not repeated). */
export async function loadMore(): Promise<void> {
  const { key, next } = feed.value;
  if (!key || !next || feed.value.loadingMore) return;
  const asked = generation;
  feed.set({ ...feed.value, loadingMore: true, failure: null });
  const outcome = await fetchPage(key, next);
  if (feed.value.key !== key || asked !== generation) return;
  if (!outcome.ok) {
    feed.set({ ...feed.value, loadingMore: false, failure: outcome.failure });
    return;
  }
  const seen = new Set(feed.value.items.map((item) => item.id));
  const items = [...feed.value.items, ...outcome.data.items.filter((item) => !seen.has(item.id))];
  feed.set({ ...feed.value, items, next: outcome.data.next_cursor ?? null, loadingMore: false });
  await persist(asked);
}

/** The item `id` among the loaded pages or those opened alone. */
export const findItem = (feed: FeedState, id: number) => feed.items.find((i) => i.id === id) ?? feed.extra.find((i) => i.id === id);

/**
 * `/news/{id}` not in the loaded pages (an older item, opened from a notification): asked alone
 * (`GET /api/me/news/{id}`, signed in only) and kept with the feed. Answers the failure, if any.
 */
export async function loadItem(id: number): Promise<Failure | null> {
  const key = feed.value.key;
  if (!key || key === 'public' || findItem(feed.value, id)) return null;
  const asked = generation;
  const outcome = await news.one(id);
  if (feed.value.key !== key || asked !== generation) return null;
  if (!outcome.ok) return outcome.failure;
  feed.set({ ...feed.value, extra: [outcome.data, ...feed.value.extra.filter((i) => i.id !== id)] });
  await persist(asked);
  return null;
}

/** Mark an item read (signed in only): at once in the loaded pages, then on the server. */
export async function markRead(id: number): Promise<void> {
  if (!feed.value.key || feed.value.key === 'public') return;
  const item = findItem(feed.value, id);
  if (!item || item.read) return;
  const read = (list: NewsItem[]) => list.map((i) => (i.id === id ? { ...i, read: true } : i));
  const asked = generation;
  feed.set({ ...feed.value, items: read(feed.value.items), extra: read(feed.value.extra) });
  await persist(asked);
  // A failure (404: no longer the caller's, offline) leaves it unread on the server: it is shown
  // unread again at the next load, nothing else to do.
  await news.markRead(id);
}

/** Forget the loaded pages (after publishing; sign-out changes the key anyway). */
export function resetNews(): void {
  feed.set(EMPTY);
}

/** Sign-out: forget the pages, in memory and on the device. */
export async function forgetNews(): Promise<void> {
  generation++;
  feed.set(EMPTY);
  await clearFeed();
}

/** Hook: the feed of `key`, loading its first page when needed. */
export function useFeed(key: string | null): FeedState {
  const online = useOnline();
  const current = useStore(feed);
  useEffect(() => {
    if (key) void loadFeed(key);
  }, [key]);
  // Back online while the device's copy is shown: ask the server again.
  useEffect(() => {
    if (key && online && feed.value.key === key && feed.value.offline) void loadFeed(key, true);
  }, [online]);
  return current.key === key ? current : { ...EMPTY, key, status: key ? 'loading' : 'idle' };
}
