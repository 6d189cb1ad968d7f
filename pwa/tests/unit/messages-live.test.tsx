// Live messaging with a fake EventSource: the stream opened when signed in, closed when hidden
// and at sign-out; a new message appears in the open thread (and is read), the list reorders with
// its count; the tab's badge follows the stream (one more for a counted message, set by `unread`
// events, asked only when the stream opens); unknown events are ignored.
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetAuth } from '../../src/auth';
import { setLang } from '../../src/i18n';
import { parseLive, stopLive } from '../../src/messages/live';
import { forgetConversations } from '../../src/messages/conversations';
import { startRouter } from '../../src/router';
import { CONFIG, ME, mockApi, type Handler, type Reply } from './api-mock';
import { $, $$, flush, mount, unmount, openApp } from './dom';
import { conv, FakeEventSource, msg } from './messaging-fixtures';

const live = () => FakeEventSource.all.filter((s) => !s.closed);

let root: HTMLElement;
let stop: () => void;
let unread = 0;
beforeEach(() => {
  FakeEventSource.all = [];
  vi.stubGlobal('EventSource', FakeEventSource);
  localStorage.clear();
  setLang('fr');
  forgetConversations();
  unread = 0;
  root = mount();
  stop = startRouter();
});
afterEach(() => {
  unmount();
  stopLive();
  stop();
  vi.unstubAllGlobals();
});

async function start(path: string, routes: Record<string, Handler | Reply>) {
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': { body: ME },
    'GET /api/me/messages/unread': () => ({ body: { total: unread } }),
    'POST /api/conversations/7/read': { status: 204 },
    ...routes,
  });
  await openApp(path);
  return mock;
}

async function deliver(data: unknown) {
  await act(() => live()[0]!.send(data));
  await flush();
}

describe('live messaging', () => {
  it('parses only the events it knows', () => {
    expect(parseLive('{"type":"message","message":{"id":1,"conversation_id":2,"body":"x"}}')?.type).toBe('message');
    expect(parseLive('{"type":"message","message":{"id":1,"conversation_id":2,"body":"x"},"counted":true}')).toMatchObject({ counted: true });
    expect(parseLive('{"type":"message","message":{"id":1,"conversation_id":2,"body":"x"}}')).toMatchObject({ counted: false });
    expect(parseLive('{"type":"read","conversation_id":2,"person_id":"p","up_to":3}')?.type).toBe('read');
    expect(parseLive('{"type":"unread","conversation_id":2,"unread":1,"total":4}')).toEqual({ type: 'unread', conversation_id: 2, unread: 1, total: 4 });
    expect(parseLive('{"type":"unread","conversation_id":2,"total":4}')).toBeNull();
    expect(parseLive('{"type":"other"}')).toBeNull();
    expect(parseLive('not json')).toBeNull();
  });

  it('opens the stream signed in, closes it when hidden and again opens it when visible', async () => {
    await start('/messages', { 'GET /api/me/conversations': { body: { items: [] } } });
    expect(live()).toHaveLength(1);
    expect(live()[0]!.url).toBe('/api/me/events');
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    await act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    expect(live()).toHaveLength(0);
    visibility.mockReturnValue('visible');
    await act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    expect(live()).toHaveLength(1);
    visibility.mockRestore();
  });

  it('reorders the list, counts the new message and adds it to the badge without asking', async () => {
    const mock = await start('/messages', { 'GET /api/me/conversations': { body: { items: [conv(1), conv(7)] } } });
    expect($$('[data-testid="conv-item"]').map((i) => i.dataset.id)).toEqual(['1', '7']);
    const asked = () => mock.requests.filter((r) => r.path === '/api/me/messages/unread').length;
    const before0 = asked();
    await deliver({ type: 'message', message: msg(100, { conversation_id: 7, body: 'Le TD est déplacé en B206' }), counted: true });
    const items = $$('[data-testid="conv-item"]');
    expect(items.map((i) => i.dataset.id)).toEqual(['7', '1']);
    expect(items[0]!.querySelector('[data-testid="conv-unread"]')?.textContent).toBe('1');
    expect(items[0]!.querySelector('[data-testid="conv-preview"]')?.textContent).toContain('Le TD est déplacé en B206');
    expect($('[data-testid="messages-badge"]')?.textContent).toBe('1');
    expect(asked()).toBe(before0);
    // A conversation not in the list: the first page again.
    const before = mock.requests.filter((r) => r.path.startsWith('/api/me/conversations')).length;
    await deliver({ type: 'message', message: msg(101, { conversation_id: 9 }) });
    expect(mock.requests.filter((r) => r.path.startsWith('/api/me/conversations')).length).toBe(before + 1);
    // Ignored.
    await deliver('{"type":"unknown"}');
    expect(asked()).toBe(before0);
  });

  it('the badge: counted messages add one, others nothing; unread events set it and the row', async () => {
    unread = 3;
    const mock = await start('/messages', { 'GET /api/me/conversations': { body: { items: [conv(1, { unread: 2 }), conv(7)] } } });
    const asked = () => mock.requests.filter((r) => r.path === '/api/me/messages/unread').length;
    const before = asked();
    const badge = () => $('[data-testid="messages-badge"]')?.textContent ?? null;
    expect(badge()).toBe('3');
    await deliver({ type: 'message', message: msg(100, { conversation_id: 1 }), counted: true });
    expect(badge()).toBe('4');
    // Mine, or in a muted conversation: not counted.
    await deliver({ type: 'message', message: msg(101, { conversation_id: 7, author_id: ME.person_id }), counted: false });
    await deliver({ type: 'message', message: msg(102, { conversation_id: 7 }), counted: false });
    expect(badge()).toBe('4');
    // Read on another device: the total and the conversation's count from the event.
    await deliver({ type: 'unread', conversation_id: 1, unread: 0, total: 1 });
    expect(badge()).toBe('1');
    expect($('[data-testid="conv-item"][data-id="1"] [data-testid="conv-unread"]')).toBeNull();
    await deliver({ type: 'unread', conversation_id: 7, unread: 0, total: 0 });
    expect(badge()).toBeNull();
    expect(asked()).toBe(before);
    // The stream reopening (a reconnection): asked again.
    unread = 6;
    await act(() => live()[0]!.onopen?.(new Event('open')));
    await flush();
    expect(asked()).toBe(before + 1);
    expect(badge()).toBe('6');
  });

  it('a counted message in the thread open and visible is read, not added to the badge', async () => {
    unread = 2;
    const mock = await start('/messages/7', {
      'GET /api/me/conversations': { body: { items: [conv(7), conv(8)] } },
      'GET /api/conversations/7/messages': { body: { items: [msg(70, { conversation_id: 7 })] } },
    });
    await act(() => live()[0]!.onopen?.(new Event('open')));
    await flush();
    const asked = () => mock.requests.filter((r) => r.path === '/api/me/messages/unread').length;
    const before = asked();
    const badge = () => $('[data-testid="messages-badge"]')?.textContent ?? null;
    expect(badge()).toBe('2');
    await deliver({ type: 'message', message: msg(71, { conversation_id: 7 }), counted: true });
    expect(badge()).toBe('2');
    expect(mock.requests.filter((r) => r.method === 'POST' && r.path === '/api/conversations/7/read').map((r) => r.body)).toContainEqual({ up_to: 71 });
    // Another conversation's message counts.
    await deliver({ type: 'message', message: msg(80, { conversation_id: 8 }), counted: true });
    expect(badge()).toBe('3');
    // The server's answer to the read: the total from the event, not asked.
    await deliver({ type: 'unread', conversation_id: 7, unread: 0, total: 1 });
    expect(badge()).toBe('1');
    expect(asked()).toBe(before);
    // Hidden, the thread is not shown: its messages count.
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    await deliver({ type: 'message', message: msg(72, { conversation_id: 7 }), counted: true });
    expect(badge()).toBe('2');
    visibility.mockRestore();
  });

  it('shows a new message in the open thread and marks it read', async () => {
    const mock = await start('/messages/7', {
      'GET /api/me/conversations': { body: { items: [conv(7)] } },
      'GET /api/conversations/7/messages': { body: { items: [msg(70, { conversation_id: 7 })] } },
    });
    expect($$('[data-testid="chat-message"]')).toHaveLength(1);
    await deliver({ type: 'message', message: msg(71, { conversation_id: 7, body: '<script>window.__pwned=1</script>' }) });
    await deliver({ type: 'message', message: msg(72, { conversation_id: 8 }) });
    const bubbles = $$('[data-testid="chat-message"]');
    expect(bubbles.map((b) => b.dataset.id)).toEqual(['70', '71']);
    expect(bubbles[1]!.textContent).toContain('<script>');
    expect(root.querySelector('script')).toBeNull();
    const reads = mock.requests.filter((r) => r.method === 'POST' && r.path === '/api/conversations/7/read').map((r) => r.body);
    expect(reads).toEqual([{ up_to: 70 }, { up_to: 71 }]);
  });

  it('asks what was missed when the stream reopens', async () => {
    const mock = await start('/messages/7', {
      'GET /api/me/conversations': { body: { items: [conv(7)] } },
      'GET /api/conversations/7/messages': (req) =>
        new URL(req.url).searchParams.get('after') === '70' ? { body: { items: [msg(71, { conversation_id: 7 }), msg(72, { conversation_id: 7 })] } } : { body: { items: [msg(70, { conversation_id: 7 })] } },
    });
    await act(() => live()[0]!.onopen?.(new Event('open')));
    await flush();
    expect(mock.requests.some((r) => r.path === '/api/conversations/7/messages?after=70')).toBe(true);
    expect($$('[data-testid="chat-message"]').map((b) => b.dataset.id)).toEqual(['70', '71', '72']);
  });

  it('closes the stream at sign-out', async () => {
    await start('/messages', { 'GET /api/me/conversations': { body: { items: [] } } });
    expect(live()).toHaveLength(1);
    await act(() => resetAuth({ status: 'signed-out' }));
    await flush();
    expect(live()).toHaveLength(0);
  });
});
