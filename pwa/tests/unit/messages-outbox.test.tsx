// Messages kept on the device (src/messages/outbox.ts): written offline → kept with their
// client_key and shown « En attente d’envoi »; back online → sent in the order written, one at a
// time, once each, with the same key, then shown as the server's messages (no second copy when
// the live event brings it too); a network failure stops the round; a 4xx → « Non envoyé » with
// the server's detail, deletable; a 429 keeps it waiting; opening the app sends what was stored;
// sign-out empties the queue.
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { ChatMessage } from '../../src/api/messages';
import { signOut } from '../../src/auth';
import { setLang } from '../../src/i18n';
import { stopLive } from '../../src/messages/live';
import { forgetOutbox, queued, setOutboxBackend, type Queued } from '../../src/messages/outbox';
import { memoryRecords, type RecordBackend } from '../../src/offline/records';
import { forgetConversations } from '../../src/messages/conversations';
import { startRouter } from '../../src/router';
import { CONFIG, ME, mockApi, PROBLEM, type Handler, type Reply } from './api-mock';
import { $, $$, click, flush, mount, type, unmount, openApp } from './dom';
import { conv, FakeEventSource, msg } from './messaging-fixtures';

let root: HTMLElement;
let stop: () => void;
let store: RecordBackend<Queued>;
let onLine: MockInstance<() => boolean>;
beforeEach(async () => {
  FakeEventSource.all = [];
  vi.stubGlobal('EventSource', FakeEventSource);
  localStorage.clear();
  setLang('fr');
  forgetConversations();
  store = memoryRecords<Queued>();
  setOutboxBackend(store);
  await forgetOutbox();
  onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(true);
  root = mount();
  stop = startRouter();
});
afterEach(async () => {
  unmount();
  stopLive();
  stop();
  await forgetOutbox();
  vi.unstubAllGlobals();
});

/** The server: conversation 7 (and 8), each POST answered by `post` (201 with an id by default). */
async function start(path: string, post?: Handler, extra: Record<string, Handler | Reply> = {}) {
  let next = 100;
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': { body: ME },
    'GET /api/me/messages/unread': { body: { total: 0 } },
    'GET /api/me/conversations': { body: { items: [conv(7, { last_message: undefined }), conv(8, { last_message: undefined })] } },
    'GET /api/conversations/7/messages': { body: { items: [msg(1)] } },
    'GET /api/conversations/8/messages': { body: { items: [] } },
    'POST /api/conversations/7/read': { status: 204 },
    'POST /api/conversations/7/messages': post ?? ((_r, b) => ({ status: 201, body: echo(next++, 7, b) })),
    'POST /api/conversations/8/messages': post ?? ((_r, b) => ({ status: 201, body: echo(next++, 8, b) })),
    ...extra,
  });
  await openApp(path);
  return mock;
}

function echo(id: number, conversation: number, body: unknown): ChatMessage {
  const b = body as { body: string; client_key: string };
  return msg(id, { conversation_id: conversation, author_id: ME.person_id, author: 'Chloé Lefèvre', body: b.body, client_key: b.client_key });
}

const posts = (mock: Awaited<ReturnType<typeof start>>) =>
  mock.requests.filter((r) => r.method === 'POST' && /^\/api\/conversations\/\d+\/messages$/.test(r.path)).map((r) => ({ path: r.path, ...(r.body as { body: string; client_key: string }) }));

async function write(text: string) {
  await type('textarea[name="body"]', text);
  await click('[data-testid="composer-send"]');
}

async function goOnline() {
  onLine.mockReturnValue(true);
  await act(() => {
    window.dispatchEvent(new Event('online'));
  });
  await flush();
}

const stored = (patch: Partial<Queued> & { key: string; body: string }): Queued => ({
  owner: ME.person_id,
  conversation_id: 7,
  at: 1,
  seq: 0,
  state: 'pending',
  ...patch,
});

describe('messages written without network', () => {
  it('are kept with their client_key, shown waiting, and nothing is posted', async () => {
    const mock = await start('/messages/7');
    onLine.mockReturnValue(false);
    await write('Je serai en retard');
    await write(`Désolé ${'<script>window.__pwned=1</script>'}`);
    expect(posts(mock)).toHaveLength(0);
    const bubbles = $$('[data-testid="queued-message"]');
    expect(bubbles.map((b) => b.dataset.state)).toEqual(['pending', 'pending']);
    expect(bubbles[0]!.querySelector('[data-testid="queued-state"]')?.textContent).toBe('En attente d’envoi');
    expect(bubbles[1]!.textContent).toContain('<script>');
    expect(root.querySelector('script')).toBeNull();
    // After the server's messages, and the composer emptied.
    expect($('[data-testid="thread"]')!.lastElementChild?.getAttribute('data-testid')).toBe('queued-message');
    expect($<HTMLTextAreaElement>('textarea[name="body"]')!.value).toBe('');
    const kept = await store.all();
    expect(kept.map((q) => q.body)).toEqual(['Je serai en retard', 'Désolé <script>window.__pwned=1</script>']);
    expect(kept.every((q) => q.owner === ME.person_id && q.conversation_id === 7 && /^[0-9a-f-]{36}$/.test(q.key))).toBe(true);
    expect(new Set(kept.map((q) => q.key)).size).toBe(2);
  });

  it('go when the network is back: in order, one at a time, once each, with the same key', async () => {
    let inFlight = 0;
    let most = 0;
    let next = 200;
    const mock = await start('/messages/7', async (req, body) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { status: 201, body: echo(next++, Number(new URL(req.url).pathname.split('/')[3]), body) };
    });
    onLine.mockReturnValue(false);
    await write('Premier');
    await write('Deuxième');
    const keys = (await store.all()).map((q) => q.key);
    // Two online events close together: still one copy of each.
    onLine.mockReturnValue(true);
    await act(() => {
      window.dispatchEvent(new Event('online'));
      window.dispatchEvent(new Event('online'));
    });
    await flush();
    await flush();
    const sent = posts(mock);
    expect(sent.map((p) => p.body)).toEqual(['Premier', 'Deuxième']);
    expect(sent.map((p) => p.client_key)).toEqual(keys);
    expect(most).toBe(1);
    expect($$('[data-testid="queued-message"]')).toHaveLength(0);
    expect($$('[data-testid="chat-message"]').map((b) => b.querySelector('[data-testid="chat-body"]')?.textContent)).toEqual([
      'Message 1',
      'Premier',
      'Deuxième',
    ]);
    expect(await store.all()).toEqual([]);
    // The live event of the same message adds no second copy.
    const [first] = $$('[data-testid="chat-message"]').slice(1);
    await act(() =>
      FakeEventSource.all[0]!.onmessage?.(
        new MessageEvent('message', { data: JSON.stringify({ type: 'message', message: echo(Number(first!.dataset.id), 7, sent[0]) }) }),
      ),
    );
    await flush();
    expect($$('[data-testid="chat-message"]')).toHaveLength(3);
  });

  it('stops at the first network failure and goes on from there later', async () => {
    let fail = true;
    let next = 300;
    const mock = await start('/messages/7', (_r, body) => {
      if (fail) throw new TypeError('Failed to fetch');
      return { status: 201, body: echo(next++, 7, body) };
    });
    onLine.mockReturnValue(false);
    await write('Un');
    await write('Deux');
    await goOnline();
    expect(posts(mock).map((p) => p.body)).toEqual(['Un']);
    expect($$('[data-testid="queued-message"]').map((b) => b.dataset.state)).toEqual(['pending', 'pending']);
    fail = false;
    await goOnline();
    const sent = posts(mock);
    expect(sent.map((p) => p.body)).toEqual(['Un', 'Un', 'Deux']);
    expect(sent[0]!.client_key).toBe(sent[1]!.client_key);
    expect($$('[data-testid="queued-message"]')).toHaveLength(0);
  });

  it('a send that fails for the network is kept and goes later with its key', async () => {
    let fail = true;
    const mock = await start('/messages/7', (_r, body) => {
      if (fail) throw new TypeError('Failed to fetch');
      return { status: 201, body: echo(400, 7, body) };
    });
    await write('Le TD est déplacé');
    expect($('[data-testid="queued-message"]')?.dataset.state).toBe('pending');
    expect($('[data-testid="problem"]')).toBeNull();
    fail = false;
    await goOnline();
    const sent = posts(mock);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.client_key).toBe(sent[1]!.client_key);
    expect($$('[data-testid="chat-message"]').map((b) => b.dataset.id)).toEqual(['1', '400']);
  });

  it('a 4xx marks it « Non envoyé » with the server’s detail, to delete; the next still goes', async () => {
    let n = 0;
    const mock = await start('/messages/7', (_r, body) =>
      ++n === 1 ? PROBLEM('messaging-blocked', 403, { detail: 'Cette personne vous a bloqué.' }) : { status: 201, body: echo(500, 7, body) },
    );
    onLine.mockReturnValue(false);
    await write('Refusé');
    await write('Accepté');
    await goOnline();
    expect(posts(mock).map((p) => p.body)).toEqual(['Refusé', 'Accepté']);
    const failed = $('[data-testid="queued-message"]')!;
    expect(failed.dataset.state).toBe('failed');
    expect(failed.querySelector('[data-testid="queued-state"]')?.textContent).toBe('Non envoyé');
    expect(failed.querySelector('[data-testid="queued-reason"]')?.textContent).toBe('Cette personne vous a bloqué.');
    expect((await store.all()).map((q) => q.state)).toEqual(['failed']);
    // Not sent again.
    await goOnline();
    expect(posts(mock)).toHaveLength(2);
    await click('[data-testid="queued-delete"]');
    expect($('[data-testid="queued-message"]')).toBeNull();
    expect(await store.all()).toEqual([]);
  });

  it('a 429 keeps it waiting for later', async () => {
    const mock = await start('/messages/7', () => PROBLEM('too-many-requests', 429, {}));
    onLine.mockReturnValue(false);
    await write('Vite');
    await goOnline();
    expect(posts(mock)).toHaveLength(1);
    expect($('[data-testid="queued-message"]')?.dataset.state).toBe('pending');
    expect((await store.all()).map((q) => q.state)).toEqual(['pending']);
  });

  it('opening the app sends what this person left waiting, never another person’s', async () => {
    await store.put(stored({ key: 'key-a', body: 'Écrit hier', at: 1 }));
    await store.put(stored({ key: 'key-b', body: 'Dans la 8', conversation_id: 8, at: 2 }));
    await store.put(stored({ key: 'key-x', body: 'Pas le mien', owner: 'p-9', at: 0 }));
    const mock = await start('/messages');
    const sent = posts(mock);
    expect(sent.map((p) => [p.path, p.body, p.client_key])).toEqual([
      ['/api/conversations/7/messages', 'Écrit hier', 'key-a'],
      ['/api/conversations/8/messages', 'Dans la 8', 'key-b'],
    ]);
    expect(queued()).toEqual([]);
  });

  it('a thread opened without network still takes messages, and is asked again when the network is back', async () => {
    let down = true;
    const mock = await start('/messages/7', undefined, {
      'GET /api/conversations/7/messages': () => {
        if (down) throw new TypeError('Failed to fetch');
        return { body: { items: [msg(1)] } };
      },
    });
    expect($('[data-testid="problem"]')?.dataset.problem).toBe('network');
    onLine.mockReturnValue(false);
    await write('Écrit dans le métro');
    expect($('[data-testid="queued-message"]')?.dataset.state).toBe('pending');
    expect($('[data-testid="thread-empty"]')).toBeNull();
    down = false;
    await goOnline();
    expect($('[data-testid="problem"]')).toBeNull();
    expect(posts(mock).map((p) => p.body)).toEqual(['Écrit dans le métro']);
    expect($$('[data-testid="chat-message"]').map((b) => b.querySelector('[data-testid="chat-body"]')?.textContent)).toEqual(['Message 1', 'Écrit dans le métro']);
    expect($$('[data-testid="queued-message"]')).toHaveLength(0);
  });

  it('sign-out empties the queue', async () => {
    await start('/messages/7', undefined, { 'DELETE /api/session': { status: 204 } });
    onLine.mockReturnValue(false);
    await write('Jamais envoyé');
    expect(await store.all()).toHaveLength(1);
    await act(() => signOut());
    await flush();
    expect(await store.all()).toEqual([]);
    expect(queued()).toEqual([]);
  });
});
