// The messaging API (« Messages »): one function per call, each answering an Outcome (like
// accounts.ts). The person's conversations, a conversation's messages (older pages with
// `before`, what was missed with `after`), sending (idempotent by `client_key`), marking read,
// muting, leaving a group, blocking a person (the unread total of the tab's badge: messages/unread.ts).
import { api, typed } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type Conversation = Schemas['ConversationView'];
export type ChatMessage = Schemas['ChatMessage'];
export type NewConversation = Schemas['NewConversation'];
export type Correspondents = Schemas['CorrespondentList'];

const conv = (id: number) => ({ params: { path: { id } } });

export const messages = {
  /** The caller's conversations, latest activity first; `cursor` is the previous page's `next_cursor`. */
  conversations: (cursor?: string | null) => typed(() => api.GET('/me/conversations', { params: { query: cursor ? { cursor } : {} } })),
  /** Whom the caller may write to: services, groups, people (`q` narrows by name; from 2 letters it finds more). */
  correspondents: (q?: string) => typed(() => api.GET('/me/correspondents', { params: { query: q ? { q } : {} } })),
  /** Start (201) or find (200) the conversation with a person, a group or a service. */
  start: (body: NewConversation) => typed(() => api.POST('/me/conversations', { body })),
  /** Messages newest first (`before` a message id for older ones). */
  page: (id: number, before?: number | null) =>
    typed(() => api.GET('/conversations/{id}/messages', { params: { path: { id }, query: before ? { before } : {} } })),
  /** Messages after `after`, oldest first (what was missed). */
  after: (id: number, after: number) => typed(() => api.GET('/conversations/{id}/messages', { params: { path: { id }, query: { after } } })),
  /** Send (201); 200 with the first copy when `client_key` was already used. */
  send: (id: number, body: string, clientKey: string) =>
    typed(() => api.POST('/conversations/{id}/messages', { ...conv(id), body: { body, client_key: clientKey } })),
  /** Read up to a message. */
  read: (id: number, upTo: number) => typed(() => api.POST('/conversations/{id}/read', { ...conv(id), body: { up_to: upTo } })),
  mute: (id: number, muted: boolean) => typed(() => api.PATCH('/conversations/{id}/membership', { ...conv(id), body: { muted } })),
  /** Leave a group conversation. */
  leave: (id: number) => typed(() => api.DELETE('/conversations/{id}/membership', conv(id))),
  block: (person: string) => typed(() => api.PUT('/me/blocks/{person}', { params: { path: { person } } })),
  unblock: (person: string) => typed(() => api.DELETE('/me/blocks/{person}', { params: { path: { person } } })),
};
