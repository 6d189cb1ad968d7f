// The news API (reading side): one function per call, each answering an Outcome (like accounts.ts).
// Signed in, the caller's feed (with read markers); before login, the public feed.
import { typed } from './accounts';
import { api } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type NewsItem = Schemas['NewsItem'];
export type NewsPage = Schemas['NewsPage'];

const page = (cursor?: string | null) => ({ params: { query: cursor ? { cursor } : {} } });

export const news = {
  /** The caller's news, pinned first then newest; `cursor` is the previous page's `next_cursor`. */
  mine: (cursor?: string | null) => typed(() => api.GET('/me/news', page(cursor))),
  /** The news for everyone, readable before login (never read). */
  public: (cursor?: string | null) => typed(() => api.GET('/news/public', page(cursor))),
  /** Mark an item read (204; 404 when it is not the caller's). */
  markRead: (id: number) => typed(() => api.POST('/me/news/{id}/read', { params: { path: { id } } })),
};
