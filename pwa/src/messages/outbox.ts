// Messages kept on the device until the server has them: written without network, or whose
// sending failed for want of network, a 5xx or a 429. Kept in IndexedDB (`ent-messages`, store
// `outbox`) with the client_key chosen when the message was written, shown « En attente
// d’envoi » at the end of their thread, and sent when the network comes back (the `online`
// event, the live stream reopening, the app or the thread opening, a timer after a 5xx or 429):
// in the order written, one at a time, stopping at the first failure that is not the message's
// own. Sending again with the same key is harmless (200 with the first copy). A 4xx marks the
// message « Non envoyé » with the server's reason, to be deleted. Emptied at sign-out.
import { messages, type ChatMessage } from '../api/messages';
import type { Failure } from '../api/problems';
import { deviceRecords, memoryRecords, type RecordBackend } from '../offline/records';
import { events, store, useStore } from '../store';

export interface Queued {
  /** The message's client_key. */
  key: string;
  /** Whose message it is (`person_id`). */
  owner: string;
  conversation_id: number;
  body: string;
  /** When it was written (ms since the epoch) and its place among those written in the same ms. */
  at: number;
  seq: number;
  state: 'pending' | 'failed';
  /** Why the server refused it (state `failed`). */
  reason?: Failure;
}

let backend: RecordBackend<Queued> = deviceRecords<Queued>('ent-messages', 'outbox');
/** Every conversation's, in the order written. */
const queue = store<Queued[]>([]);
let owner: string | null = null;
let seq = 0;
/** Bumped by forgetOutbox: a sending begun before is not recorded after. */
let generation = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
let backoff = 0;
const sent = events<ChatMessage>();

/** First wait after a 5xx or a network failure (doubled each time, up to MAX_WAIT_MS). */
export const FIRST_WAIT_MS = 5_000;
export const MAX_WAIT_MS = 5 * 60_000;

/** For tests: replace where the queue is kept (a fresh memory store when none is given). */
export function setOutboxBackend(next: RecordBackend<Queued> = memoryRecords<Queued>()): void {
  backend = next;
  queue.set([]);
  owner = null;
  cancelTimer();
}

const order = (a: Queued, b: Queued) => a.at - b.at || a.seq - b.seq;

function publish(next: Queued[]): void {
  queue.set([...next].sort(order));
}

async function save(record: Queued): Promise<void> {
  try {
    await backend.put(record);
  } catch {
    // the store refused (quota, private mode): kept in memory only
  }
}

async function remove(key: string): Promise<void> {
  try {
    await backend.delete(key);
  } catch {
    // nothing stored, or the store is unusable
  }
}

function cancelTimer(): void {
  if (timer) clearTimeout(timer);
  timer = null;
}

/** The queue in memory (every conversation), in the order written. */
export function queued(): Queued[] {
  return queue.value;
}

/** Signed in: read this person's stored queue (another person's is never shown nor sent). */
export async function loadOutbox(person: string): Promise<Queued[]> {
  const g = generation;
  let stored: Queued[];
  try {
    stored = await backend.all();
  } catch {
    stored = [];
  }
  if (g !== generation) return queue.value;
  owner = person;
  const byKey = new Map(queue.value.filter((q) => q.owner === person).map((q) => [q.key, q]));
  for (const q of stored) if (q.owner === person && !byKey.has(q.key)) byKey.set(q.key, q);
  publish([...byKey.values()]);
  return queue.value;
}

/** Keep a message to send later (the key chosen when it was written). */
export async function queueMessage(person: string, conversationId: number, body: string, key: string): Promise<void> {
  owner ??= person;
  const record: Queued = { key, owner: person, conversation_id: conversationId, body, at: Date.now(), seq: seq++, state: 'pending' };
  publish([...queue.value.filter((q) => q.key !== key), record]);
  await save(record);
}

/** Messages of this conversation still waiting (a new one must go after them). */
export const hasPending = (conversationId: number) => queue.value.some((q) => q.conversation_id === conversationId && q.state === 'pending');

/** Called when a queued message reached the server: the thread shows the server's copy. */
export const onSent = sent.on;

/**
 * The server has a message (its answer, or a live event of this person's own message): the
 * queued copy with its client_key, if any, is dropped.
 */
export async function delivered(message: ChatMessage): Promise<void> {
  if (!queue.value.some((q) => q.key === message.client_key)) return;
  publish(queue.value.filter((q) => q.key !== message.client_key));
  await remove(message.client_key);
}

/** Worth trying again later: no network, rate limited, the server unwell or signed out meanwhile. */
export const transient = (f: Failure) => f.slug === 'network' || f.status === 0 || f.status === 401 || f.status === 408 || f.status === 429 || f.status >= 500;

/** A transient failure: try the queue again after Retry-After, else a wait doubled each time. */
export function retryLater(f: Failure): void {
  if (f.status === 401) return;
  cancelTimer();
  backoff = backoff ? Math.min(backoff * 2, MAX_WAIT_MS) : FIRST_WAIT_MS;
  const wait = f.retryAfter !== undefined ? Math.max(f.retryAfter * 1000, 1000) : backoff;
  timer = setTimeout(() => {
    timer = null;
    void flushOutbox();
  }, wait);
}

let flushing: Promise<void> | null = null;
let again = false;

/** Send the pending messages in order, one at a time; stops at the first transient failure. */
export function flushOutbox(): Promise<void> {
  if (flushing) {
    // Already sending: look again once done (a message may have been queued meanwhile).
    again = true;
    return flushing;
  }
  cancelTimer();
  const run = async () => {
    const g = generation;
    for (;;) {
      again = false;
      const next = queue.value.find((q) => q.state === 'pending' && q.owner === owner);
      if (!next || g !== generation) return;
      const outcome = await messages.send(next.conversation_id, next.body, next.key);
      if (g !== generation) return;
      if (outcome.ok) {
        backoff = 0;
        await delivered({ ...outcome.data, client_key: next.key });
        sent.emit(outcome.data);
        continue;
      }
      const f = outcome.failure;
      if (transient(f)) {
        retryLater(f);
        return;
      }
      // Refused (403 blocked, 400, 404…): this message will not go; the next ones may.
      const failed: Queued = { ...next, state: 'failed', reason: f };
      publish(queue.value.map((q) => (q.key === next.key ? failed : q)));
      await save(failed);
    }
  };
  // Cleared once done (not inside `run`: it may end before being assigned).
  const current = run().finally(() => {
    flushing = null;
  });
  flushing = current;
  return current.then(() => (again ? flushOutbox() : undefined));
}

/** « Supprimer » on a message not sent (or still waiting). */
export async function deleteQueued(key: string): Promise<void> {
  publish(queue.value.filter((q) => q.key !== key));
  await remove(key);
}

/** Sign-out: the queue is emptied (a shared phone must not send someone else's messages). */
export async function forgetOutbox(): Promise<void> {
  generation++;
  owner = null;
  backoff = 0;
  cancelTimer();
  publish([]);
  try {
    await backend.clear();
  } catch {
    // nothing stored, or the store is unusable
  }
}

/** Hook: the queued messages of a conversation, in the order written. */
export function useOutbox(conversationId: number): Queued[] {
  return useStore(queue).filter((q) => q.conversation_id === conversationId);
}
