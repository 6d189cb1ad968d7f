// The help requests API (« Assistance »): one function per call, each answering an Outcome (like
// accounts.ts). A person's own requests, one request's thread (its requester and its queue's
// staff; 404 for anyone else), the staff's queues, and connection assistance without an account.
import { api, typed } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type HelpCategory = Schemas['HelpCategoryInfo'];
export type HelpStatus = Schemas['HelpStatus'];
export type HelpSummary = Schemas['HelpRequestSummary'];
export type HelpDetail = Schemas['HelpRequestDetail'];
export type HelpMessage = Schemas['HelpMessage'];
export type HelpPage = Schemas['HelpRequestPage'];
export type HelpQueue = Schemas['HelpQueue'];
export type NewHelpRequest = Schemas['NewHelpRequest'];
export type HelpRequestChange = Schemas['HelpRequestChange'];
export type ConnectionDetails = Schemas['ConnectionDetails'];
export type RegistrarMatch = Schemas['RegistrarMatch'];
export type ConnectionRequest = Schemas['ConnectionRequest'];
export type EmailChallenge = Schemas['EmailChallenge'];

/** What a queue's list shows: the open requests or one status, the caller's only, a search. */
export interface QueueFilter {
  status?: HelpStatus;
  mine?: boolean;
  q?: string;
}

/** The query of a queue's page: only what is set (no status: the open ones). */
export function queueQuery(filter: QueueFilter, cursor?: string | null) {
  const query: { status?: HelpStatus; mine?: boolean; q?: string; cursor?: string } = {};
  if (filter.status) query.status = filter.status;
  if (filter.mine) query.mine = true;
  const q = filter.q?.trim();
  if (q) query.q = q;
  if (cursor) query.cursor = cursor;
  return query;
}

/** The address of the queue screen with these choices (only what differs from the defaults). */
export function queuesPath(queue: string, status: HelpStatus | '' = '', mine = false, q = ''): string {
  const params = new URLSearchParams();
  if (queue) params.set('queue', queue);
  if (status) params.set('status', status);
  if (mine) params.set('mine', '1');
  if (q.trim()) params.set('q', q.trim());
  const query = params.toString();
  return `/help/queues${query ? `?${query}` : ''}`;
}

/** The requests of a queue still to be dealt with (new, in progress, waiting for the requester). */
export const openCount = (queue: HelpQueue) => queue.counts.new + queue.counts.in_progress + queue.counts.waiting;
/** A queue's name: the categories it answers, else its code. */
export const queueName = (queue: HelpQueue) => (queue.categories.length > 0 ? queue.categories.join(', ') : queue.code);

const request = (id: number) => ({ params: { path: { id } } });

export const help = {
  /** What a request may be about, labelled in the request's language. */
  categories: () => typed(() => api.GET('/help/categories')),
  /** The caller's requests, latest activity first; `cursor` is the previous page's `next_cursor`. */
  mine: (cursor?: string | null) => typed(() => api.GET('/me/help-requests', { params: { query: cursor ? { cursor } : {} } })),
  /** File a request (201: the request with its first message). */
  file: (body: NewHelpRequest) => typed(() => api.POST('/me/help-requests', { body })),
  /** One request and its thread; opening it as its requester marks it read. */
  get: (id: number) => typed(() => api.GET('/help-requests/{id}', request(id))),
  /** A reply; for staff, an internal note (`internal`) or a reply with a status. */
  reply: (id: number, body: string, options: { internal?: boolean; status?: HelpStatus } = {}) =>
    typed(() =>
      api.POST('/help-requests/{id}/messages', {
        ...request(id),
        body: { body, internal: options.internal ?? false, ...(options.status ? { status: options.status } : {}) },
      }),
    ),
  /** The requester reopens a resolved request (until `reopen_until`). */
  reopen: (id: number) => typed(() => api.POST('/help-requests/{id}/reopen', request(id))),
  /** Staff: take it (`assignee: "me"`), release it (`"nobody"`), set its status. */
  change: (id: number, body: HelpRequestChange) => typed(() => api.PATCH('/help-requests/{id}', { ...request(id), body })),
  /** The caller's queues with their counts (empty when they answer none). */
  queues: () => typed(() => api.GET('/help/queues')),
  /** A queue's requests, oldest first. */
  queue: (queue: string, filter: QueueFilter, cursor?: string | null) =>
    typed(() => api.GET('/help/queues/{queue}/requests', { params: { path: { queue }, query: queueQuery(filter, cursor) } })),
};

/** « Assistance connexion »: without an account, confirmed by a code e-mailed to the address. */
export const connectionHelp = {
  start: (body: ConnectionRequest) => typed(() => api.POST('/assistance/connection', { body })),
  resend: (challenge: string) => typed(() => api.POST('/assistance/connection/resend', { body: { challenge } })),
  confirm: (challenge: string, code: string) => typed(() => api.POST('/assistance/connection/confirmation', { body: { challenge, code } })),
};

/** Whether this person answers a help queue (a `help:<queue>` permission). */
export const isHelpStaff = (permissions: readonly string[]) => permissions.some((p) => p.startsWith('help:'));
