// Live messaging: `GET /api/me/events` (Server-Sent Events) while signed in and the app is
// visible; closed when hidden and at sign-out. The browser's EventSource sends Last-Event-ID
// when it reconnects and the server sends what was missed. Each event goes to the screens that
// listen. The tab's badge follows the stream: asked when the stream (re)opens, one more for a
// message that `counted` (not mine, not muted) unless its thread is open and visible (it is read
// at once), and set from `unread` events (sent after this person read, muted or left a
// conversation, on any of their devices).
import type { ChatMessage } from '../api/messages';
import type { components } from '../api/schema';
import { addUnread, refreshUnread, setUnread } from './unread';

/** What the server sends (its OpenAPI `LiveUpdate`), or the stream (re)opened: what may have
 * been missed can be asked again. */
export type LiveEvent = components['schemas']['LiveUpdate'] | { type: 'open' };

const listeners = new Set<(event: LiveEvent) => void>();
let source: EventSource | null = null;
let running = false;
let connected = false;
let openThread: number | null = null;

/** The thread shown now (its new messages are read at once), or null. */
export function setOpenThread(id: number | null): void {
  openThread = id;
}

/** Whether the stream is open (then `unread` events follow reads and no asking is needed). */
export function liveConnected(): boolean {
  return connected;
}

/** Listen to live events; answers the function that stops listening. */
export function onLive(listener: (event: LiveEvent) => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function emit(event: LiveEvent): void {
  for (const listener of [...listeners]) listener(event);
}

/** The event's data, when it is one we know (anything else is ignored). */
export function parseLive(data: unknown): LiveEvent | null {
  if (typeof data !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (v.type === 'message' && v.message && typeof v.message === 'object') {
    const m = v.message as Record<string, unknown>;
    if (typeof m.id === 'number' && typeof m.conversation_id === 'number' && typeof m.body === 'string')
      return { type: 'message', message: m as unknown as ChatMessage, counted: v.counted === true };
  }
  if (v.type === 'unread' && typeof v.conversation_id === 'number' && typeof v.unread === 'number' && typeof v.total === 'number')
    return { type: 'unread', conversation_id: v.conversation_id, unread: v.unread, total: v.total };
  if (v.type === 'read' && typeof v.conversation_id === 'number' && typeof v.up_to === 'number' && typeof v.person_id === 'string')
    return { type: 'read', conversation_id: v.conversation_id, person_id: v.person_id, up_to: v.up_to };
  return null;
}

function open(): void {
  if (source || typeof EventSource === 'undefined') return;
  const es = new EventSource('/api/me/events');
  source = es;
  es.onopen = () => {
    connected = true;
    void refreshUnread();
    emit({ type: 'open' });
  };
  es.onerror = () => {
    // The browser reconnects by itself (onopen again); until then reads ask the badge.
    connected = false;
  };
  es.onmessage = (e: MessageEvent) => {
    const event = parseLive(e.data);
    if (!event) return;
    if (event.type === 'unread') setUnread(event.total);
    else if (event.type === 'message' && event.counted) {
      const shown = openThread === event.message.conversation_id && document.visibilityState !== 'hidden';
      if (!shown) addUnread(1);
    }
    emit(event);
  };
}

function close(): void {
  source?.close();
  source = null;
  connected = false;
}

function onVisibility(): void {
  if (!running) return;
  if (document.visibilityState === 'hidden') close();
  else open();
}

/** Signed in: open the stream while the app is visible. */
export function startLive(): void {
  if (running) return;
  running = true;
  document.addEventListener('visibilitychange', onVisibility);
  if (document.visibilityState !== 'hidden') open();
}

/** Signed out (or leaving): close the stream. */
export function stopLive(): void {
  running = false;
  document.removeEventListener('visibilitychange', onVisibility);
  close();
}
