// The news API (reading side): one function per call, each answering an Outcome (like accounts.ts).
// Signed in, the caller's feed (with read markers); before login, the public feed.
import { api, typed } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type NewsItem = Schemas['NewsItem'];
export type NewsPage = Schemas['NewsPage'];

const page = (cursor?: string | null) => ({ params: { query: cursor ? { cursor } : {} } });

export const news = {
  /** The caller's news, pinned first then newest; `cursor` is the previous page's `next_cursor`. */
  mine: (cursor?: string | null) => typed(() => api.GET('/me/news', page(cursor))),
  /** One item of the caller's feed (404 when it is not theirs to see). */
  one: (id: number) => typed(() => api.GET('/me/news/{id}', { params: { path: { id } } })),
  /** The news for everyone, readable before login (never read). */
  public: (cursor?: string | null) => typed(() => api.GET('/news/public', page(cursor))),
  /** Mark an item read (204; 404 when it is not the caller's). */
  markRead: (id: number) => typed(() => api.POST('/me/news/{id}/read', { params: { path: { id } } })),
};

// The publishing side (staff with the `publishing` permission; others get 404).
export type ManagedNews = Schemas['ManagedNews'];
export type ManagedPage = Schemas['ManagedPage'];
export type NewsDraft = Schemas['NewsDraft'];
export type Audience = Schemas['Audience'];
export type AudienceRole = Schemas['Role'];
export type NewsState = Schemas['NewsState'];

export const publishing = {
  /** Every item with its state, newest first; `cursor` is the previous page's `next_cursor`. */
  list: (cursor?: string | null) => typed(() => api.GET('/news', page(cursor))),
  /** Publish now (no `publish_at`) or later; an urgent item is pushed when it is published. */
  publish: (body: NewsDraft) => typed(() => api.POST('/news', { body })),
  /** Rewrite an item. */
  edit: (id: number, body: NewsDraft) => typed(() => api.PUT('/news/{id}', { params: { path: { id } }, body })),
  /** Withdraw an item: no one sees it any more. */
  withdraw: (id: number) => typed(() => api.DELETE('/news/{id}', { params: { path: { id } } })),
};
