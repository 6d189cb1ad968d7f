// The offline copy of the signed-in person's news: the pages loaded last (at most MAX_ITEMS
// items) and the items opened by themselves, with whose they are and when they were fetched.
// One record, in IndexedDB (`ent-news`, store `feeds`); emptied at sign-out, like the
// timetable's weeks: a shared phone must not keep someone else's news.
import type { NewsItem } from '../api/news';
import { deviceRecords, memoryRecords, type RecordBackend } from '../offline/records';

export interface StoredFeed {
  key: 'feed';
  /** Whose feed it is (`person_id`). */
  owner: string;
  /** When the server gave these pages, ms since the epoch. */
  fetchedAt: number;
  items: NewsItem[];
  /** The next page's cursor when every loaded item was kept. */
  next: string | null;
  /** Items opened alone (`GET /api/me/news/{id}`), newest opened first. */
  extra: NewsItem[];
}

/** Enough for the first three pages; the oldest loaded beyond are not kept. */
export const MAX_ITEMS = 60;
export const MAX_EXTRA = 20;

export type FeedBackend = RecordBackend<StoredFeed>;

let backend: FeedBackend = deviceRecords<StoredFeed>('ent-news', 'feeds');

/** For tests: replace where the copy is kept (a fresh memory store when none is given). */
export function setNewsBackend(next: FeedBackend = memoryRecords<StoredFeed>()): void {
  backend = next;
}

/** The stored copy, never a throw (a failing store is an empty one). */
export async function readFeed(): Promise<StoredFeed | undefined> {
  try {
    return await backend.get('feed');
  } catch {
    return undefined;
  }
}

/** Keep the copy (cut to MAX_ITEMS and MAX_EXTRA); failures are ignored. */
export async function writeFeed(feed: Omit<StoredFeed, 'key'>): Promise<void> {
  const cut = feed.items.length > MAX_ITEMS;
  try {
    await backend.put({
      ...feed,
      key: 'feed',
      items: feed.items.slice(0, MAX_ITEMS),
      next: cut ? null : feed.next,
      extra: feed.extra.slice(0, MAX_EXTRA),
    });
  } catch {
    // quota, private mode: the app still works online
  }
}

/** Forget the copy (sign-out). */
export async function clearFeed(): Promise<void> {
  try {
    await backend.clear();
  } catch {
    // nothing stored, or the store is unusable: nothing to forget
  }
}
