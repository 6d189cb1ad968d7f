// What the messaging tests share: a message and a conversation as the server sends them, and a
// fake EventSource (the live stream) that records every instance.
import type { ChatMessage, Conversation } from '../../src/api/messages';

/** A message by Isabelle Petit in conversation 7 (`patch` overrides, e.g. conversation_id). */
export const msg = (id: number, patch: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  conversation_id: 7,
  author_id: 'p-2',
  author: 'Isabelle Petit',
  body: `Message ${id}`,
  client_key: `k-${id}`,
  at: '2026-12-02T09:00:00Z',
  ...patch,
});

/** A group conversation, its last message `msg(id * 10)` in it (`patch` overrides). */
export const conv = (id: number, patch: Partial<Conversation> = {}): Conversation => ({
  id,
  kind: 'group',
  title: `Groupe ${id}`,
  group_code: 'L1-INFO-TD2',
  muted: false,
  unread: 0,
  last_message: msg(id * 10, { conversation_id: id }),
  as_service_staff: false,
  ...patch,
});

/** Stubbed as EventSource (`FakeEventSource.all = []` before each test); `send` delivers a message event. */
export class FakeEventSource {
  static all: FakeEventSource[] = [];
  url: string;
  closed = false;
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  constructor(url: string) {
    this.url = url;
    FakeEventSource.all.push(this);
  }
  close() {
    this.closed = true;
  }
  send(data: unknown) {
    this.onmessage?.(new MessageEvent('message', { data: typeof data === 'string' ? data : JSON.stringify(data) }));
  }
}
