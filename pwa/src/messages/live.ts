// Live messaging: `GET /api/me/events` (Server-Sent Events) while signed in and the app is
// visible; closed when hidden and at sign-out. The browser's EventSource sends Last-Event-ID
// when it reconnects and the server sends what was missed. Each event goes to the screens that
// listen and the tab's badge is asked again.
import type { ChatMessage } from '../api/messages';
import { refreshUnread } from './unread';

export type LiveEvent =
  | { type: 'message'; message: ChatMessage }
  | { type: 'read'; conversation_id: number; person_id: string; up_to: number }
  /** The stream (re)opened: what may have been missed can be asked again. */
  | { type: 'open' };

const listeners = new Set<(event: LiveEvent) => void>();
let source: EventSource | null = null;
let running = false;

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
    if (typeof m.id === 'number' && typeof m.conversation_id === 'number' && typeof m.body === 'string') return { type: 'message', message: m as unknown as ChatMessage };
  }
  if (v.type === 'read' && typeof v.conversation_id === 'number' && typeof v.up_to === 'number' && typeof v.person_id === 'string')
    return { type: 'read', conversation_id: v.conversation_id, person_id: v.person_id, up_to: v.up_to };
  return null;
}

function open(): void {
  if (source || typeof EventSource === 'undefined') return;
  const es = new EventSource('/api/me/events');
  source = es;
  es.onopen = () => {
    void refreshUnread();
    emit({ type: 'open' });
  };
  es.onmessage = (e: MessageEvent) => {
    const event = parseLive(e.data);
    if (!event) return;
    emit(event);
    void refreshUnread();
  };
}

function close(): void {
  source?.close();
  source = null;
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
