// « Messages »: the routes, the conversation list (preview, unread count, muted, « Voir plus »,
// empty state), the thread (texts as text, http(s) links as safe elements, javascript: never a
// link, older messages, marking read), sending (a retry after a failure keeps its client_key),
// starting a conversation, and the tab's unread badge.
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../../src/i18n';
import { setOutboxBackend } from '../../src/messages/outbox';
import { linkParts } from '../../src/messages/text';
import { loadConfig } from '../../src/config';
import { forgetConversations } from '../../src/messages/conversations';
import { mergeMessages } from '../../src/pages/Messages';
import { startRouter } from '../../src/router';
import { matchScreen } from '../../src/screens';
import { CONFIG, ME, mockApi, PROBLEM, type Handler, type Reply } from './api-mock';
import { $, $$, click, flush, mount, type, unmount, openApp } from './dom';
import { conv, msg } from './messaging-fixtures';

const SCRIPT = '<script>window.__pwned=1</script>';

let root: HTMLElement;
let stop: () => void;
beforeEach(() => {
  localStorage.clear();
  setLang('fr');
  forgetConversations();
  setOutboxBackend();
  root = mount();
  stop = startRouter();
});
afterEach(() => {
  unmount();
  stop();
  vi.unstubAllGlobals();
});

async function start(path: string, routes: Record<string, Handler | Reply>) {
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': { body: ME },
    'GET /api/me/messages/unread': { body: { total: 0 } },
    ...routes,
  });
  await openApp(path);
  return mock;
}

describe('routes and helpers', () => {
  it('matches the messaging screens', () => {
    expect(matchScreen('/messages')).toEqual({ id: 'messages' });
    expect(matchScreen('/messages/new')).toEqual({ id: 'messages-new' });
    expect(matchScreen('/messages/42')).toEqual({ id: 'messages-thread', conversationId: '42' });
    expect(matchScreen('/messages/abc')).toEqual({ id: 'not-found' });
  });

  it('makes only http(s) links, trailing punctuation left as text', () => {
    expect(linkParts('voir https://ent.univ-tours.fr/a?b=1. merci')).toEqual([
      { text: 'voir ' },
      { text: 'https://ent.univ-tours.fr/a?b=1', href: 'https://ent.univ-tours.fr/a?b=1' },
      { text: '. merci' },
    ]);
    expect(linkParts('javascript:alert(1) data:text/html,x')).toEqual([{ text: 'javascript:alert(1) data:text/html,x' }]);
  });

  it('merges messages oldest first, each once', () => {
    expect(mergeMessages([msg(2), msg(3)], [msg(3), msg(1)]).map((m) => m.id)).toEqual([1, 2, 3]);
  });
});

describe('the conversation list', () => {
  it('shows title, preview, unread count and muted; « Voir plus » with next_cursor', async () => {
    const mock = await start('/messages', {
      'GET /api/me/conversations': (req) =>
        new URL(req.url).searchParams.get('cursor') === 'c2'
          ? { body: { items: [conv(3)] } }
          : { body: { items: [conv(1, { unread: 2, last_message: msg(9, { body: SCRIPT }) }), conv(2, { muted: true })], next_cursor: 'c2' } },
    });
    const items = $$('[data-testid="conv-item"]');
    expect(items.map((i) => i.querySelector('[data-testid="conv-title"]')?.textContent)).toEqual(['Groupe 1', 'Groupe 2']);
    expect(items[0]!.querySelector('[data-testid="conv-unread"]')?.textContent).toBe('2');
    expect(items[0]!.querySelector('[data-testid="conv-preview"]')?.textContent).toContain(SCRIPT);
    expect(root.querySelector('script')).toBeNull();
    expect(items[1]!.querySelector('[data-testid="conv-muted"]')).not.toBeNull();
    await click('[data-testid="conv-more"]');
    expect($$('[data-testid="conv-item"]')).toHaveLength(3);
    expect(mock.requests.some((r) => r.path === '/api/me/conversations?cursor=c2')).toBe(true);
    expect($('[data-testid="conv-more"]')).toBeNull();
  });

  it('says when there is none', async () => {
    await start('/messages', { 'GET /api/me/conversations': { body: { items: [] } } });
    expect($('[data-testid="conv-empty"]')).not.toBeNull();
  });

  it('shows the unread total on the tab', async () => {
    await start('/messages', {
      'GET /api/me/conversations': { body: { items: [] } },
      'GET /api/me/messages/unread': { body: { total: 5 } },
    });
    expect($('[data-testid="messages-badge"]')?.textContent).toBe('5');
  });
});

describe('a thread', () => {
  const routes = (extra: Record<string, Handler | Reply> = {}) => ({
    'GET /api/me/conversations': { body: { items: [conv(7)] } },
    'GET /api/conversations/7/messages': (req: Request) =>
      new URL(req.url).searchParams.get('before') === '2'
        ? { body: { items: [msg(1, { body: 'Le tout premier' })] } }
        : {
            body: {
              items: [
                msg(4, { author_id: ME.person_id, author: 'Chloé Lefèvre', body: 'Merci' }),
                msg(3, { body: `${SCRIPT} https://example.org/doc javascript:alert(1)` }),
                msg(2),
              ],
              next_before: 2,
            },
          },
    'POST /api/conversations/7/read': { status: 204 },
    ...extra,
  });

  it('renders texts as text, links safe, mine on the right, and marks read the newest', async () => {
    const mock = await start('/messages/7', routes());
    expect($('[data-testid="thread-title"]')?.textContent).toBe('Groupe 7');
    const bubbles = $$('[data-testid="chat-message"]');
    expect(bubbles.map((b) => b.dataset.id)).toEqual(['2', '3', '4']);
    expect(bubbles[2]!.dataset.side).toBe('own');
    expect(bubbles[1]!.dataset.side).toBe('other');
    const body = bubbles[1]!.querySelector('[data-testid="chat-body"]')!;
    expect(body.textContent).toContain(SCRIPT);
    expect(root.querySelector('script')).toBeNull();
    const links = [...body.querySelectorAll('a')];
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe('https://example.org/doc');
    expect(links[0]!.getAttribute('rel')).toBe('noopener noreferrer');
    expect(links[0]!.getAttribute('target')).toBe('_blank');
    expect(mock.requests.find((r) => r.method === 'POST' && r.path === '/api/conversations/7/read')?.body).toEqual({ up_to: 4 });
    await click('[data-testid="thread-older"]');
    expect($$('[data-testid="chat-message"]').map((b) => b.dataset.id)).toEqual(['1', '2', '3', '4']);
    expect($('[data-testid="thread-older"]')).toBeNull();
    expect($('[data-testid="thread-leave"]')).not.toBeNull();
  });

  it('sends; after a 503 the message waits and goes again with the same client_key', async () => {
    let calls = 0;
    const mock = await start(
      '/messages/7',
      routes({
        'POST /api/conversations/7/messages': (_req, body) => {
          calls++;
          if (calls === 1) return { status: 503, body: { type: 'urn:ent-mobile:problem:service-unavailable', title: 'x', status: 503 } };
          const b = body as { body: string; client_key: string };
          return { status: calls === 2 ? 201 : 200, body: msg(5, { author_id: ME.person_id, body: b.body, client_key: b.client_key }) };
        },
      }),
    );
    await type('textarea[name="body"]', 'Le TD est déplacé en B206');
    await click('[data-testid="composer-send"]');
    expect($('[data-testid="queued-message"]')?.dataset.state).toBe('pending');
    expect($<HTMLTextAreaElement>('textarea[name="body"]')!.value).toBe('');
    await act(() => {
      window.dispatchEvent(new Event('online'));
    });
    await flush();
    const posts = mock.requests.filter((r) => r.method === 'POST' && r.path === '/api/conversations/7/messages');
    expect(posts).toHaveLength(2);
    const [first, second] = posts.map((p) => p.body as { body: string; client_key: string });
    expect(first!.client_key).toBe(second!.client_key);
    expect(second!.body).toBe('Le TD est déplacé en B206');
    expect($$('[data-testid="chat-message"]').map((b) => b.dataset.id)).toEqual(['2', '3', '4', '5']);
    expect($<HTMLTextAreaElement>('textarea[name="body"]')!.value).toBe('');
  });

  it('limits the composer to the longest message the server accepts (its public configuration)', async () => {
    const mock = await start('/messages/7', routes({ 'GET /api/config/public': { body: { ...CONFIG, message_max_chars: 12 } } }));
    await act(() => loadConfig(true)); // asked once per page: this one's
    await flush();
    expect($<HTMLTextAreaElement>('textarea[name="body"]')!.maxLength).toBe(12);
    await type('textarea[name="body"]', 'Treize signes');
    expect($('[data-testid="counter"]')?.textContent).toBe('13 / 12 caractères');
    await click('[data-testid="composer-send"]');
    expect(mock.requests.filter((r) => r.method === 'POST' && r.path === '/api/conversations/7/messages')).toHaveLength(0);
    mockApi({ 'GET /api/config/public': { body: CONFIG } });
    await loadConfig(true); // the usual limit again for the next tests
  });

  it('sends with Ctrl+Enter and shows the server refusal', async () => {
    const mock = await start('/messages/7', routes({ 'POST /api/conversations/7/messages': PROBLEM('messaging-not-allowed', 403) }));
    await type('textarea[name="body"]', 'Bonjour');
    await act(() => {
      $('textarea[name="body"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
    });
    await flush();
    expect(mock.requests.filter((r) => r.method === 'POST' && r.path === '/api/conversations/7/messages')).toHaveLength(1);
    expect($('[role="alert"]')?.textContent).toContain('Vous ne pouvez pas écrire');
  });
});

describe('starting a conversation', () => {
  const LIST = {
    services: [
      { code: 'scolarite', name: 'Scolarité' },
      { code: 'bibliotheque', name: 'Bibliothèque universitaire' },
    ],
    groups: [{ code: 'L1-INFO-TD2', name: 'L1 Informatique TD2' }],
    people: [
      { id: 'p-20', name: 'Lucas Martin', role: 'student' },
      { id: 'p-30', name: 'Marc Durand', role: 'teacher' },
    ],
    more: false,
    searchable: false,
  };

  it('lists services, groups and people from the server; a service opens its conversation', async () => {
    const mock = await start('/messages/new', {
      'GET /api/me/correspondents': { body: LIST },
      'POST /api/me/conversations': { status: 201, body: conv(8, { kind: 'service', title: 'Scolarité', service: 'scolarite', last_message: undefined }) },
      'GET /api/conversations/8/messages': { body: { items: [] } },
    });
    expect(mock.requests.filter((r) => r.path.startsWith('/api/me/correspondents')).map((r) => r.path)).toEqual(['/api/me/correspondents']);
    expect($$('[data-testid="pick-services"] h2, [data-testid="pick-groups"] h2, [data-testid="pick-people"] h2').map((h) => h.textContent)).toEqual([
      'Services',
      'Groupes',
      'Personnes',
    ]);
    expect($$('[data-testid="pick-service"]').map((b) => b.textContent)).toEqual(['Scolarité', 'Bibliothèque universitaire']);
    expect($$('[data-testid="pick-group"]').map((b) => b.textContent)).toEqual(['L1 Informatique TD2L1-INFO-TD2']);
    expect($$('[data-testid="pick-person"]').map((b) => b.textContent)).toEqual(['Lucas MartinÉtudiant·e', 'Marc DurandEnseignant·e']);
    // Nothing more to find: no search field.
    expect($('input[name="q"]')).toBeNull();
    await click('[data-testid="pick-service"]');
    expect(mock.requests.find((r) => r.method === 'POST' && r.path === '/api/me/conversations')?.body).toEqual({ service: 'scolarite' });
    expect(location.pathname).toBe('/messages/8');
    expect($('[data-testid="thread-title"]')?.textContent).toBe('Scolarité');
    expect($('[data-testid="thread-empty"]')).not.toBeNull();
  });

  it('a group or a person is asked by code or id; a refusal shows its translated detail', async () => {
    const mock = await start('/messages/new', {
      'GET /api/me/correspondents': { body: LIST },
      'POST /api/me/conversations': (_r, body) =>
        (body as { person?: string }).person
          ? PROBLEM('messaging-blocked', 403, { detail: 'Vous ne pouvez pas écrire à cette personne.' })
          : { status: 200, body: conv(7, { group_code: 'L1-INFO-TD2' }) },
      'GET /api/conversations/7/messages': { body: { items: [] } },
    });
    await click('[data-testid="pick-person"][data-value="p-30"]');
    expect(mock.requests.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([{ person: 'p-30' }]);
    expect(location.pathname).toBe('/messages/new');
    expect($('[data-testid="problem"]')?.dataset.problem).toBe('messaging-blocked');
    expect($('[data-testid="problem"]')?.textContent).toContain('Vous ne pouvez pas écrire à cette personne.');
    await click('[data-testid="pick-group"]');
    expect(mock.requests.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([{ person: 'p-30' }, { group: 'L1-INFO-TD2' }]);
    expect(location.pathname).toBe('/messages/7');
  });

  it('searches by name, debounced, when the server says typing finds more', async () => {
    const mock = await start('/messages/new', {
      'GET /api/me/correspondents': (req) => {
        const q = new URL(req.url).searchParams.get('q');
        if (!q) return { body: { ...LIST, more: true, searchable: true } };
        if (q === 'zz') return { body: { services: [], groups: [], people: [], more: false, searchable: true } };
        return { body: { services: [], groups: [], people: [{ id: 'p-40', name: 'Sophie Leroy', role: 'teacher' }], more: false, searchable: true } };
      },
    });
    expect($('[data-testid="pick-more"]')).not.toBeNull();
    expect($('input[name="q"]')).not.toBeNull();
    for (const typed of ['l', 'le', 'ler']) await type('input[name="q"]', typed);
    await flush();
    const asked = () => mock.requests.filter((r) => r.path.startsWith('/api/me/correspondents')).map((r) => r.path);
    expect(asked()).toEqual(['/api/me/correspondents']);
    await act(() => new Promise((r) => setTimeout(r, 350)));
    await flush();
    expect(asked()).toEqual(['/api/me/correspondents', '/api/me/correspondents?q=ler']);
    expect($$('[data-testid="pick-person"]').map((b) => b.dataset.value)).toEqual(['p-40']);
    expect($('[data-testid="pick-services"]')).toBeNull();
    expect($('[data-testid="pick-more"]')).toBeNull();
    await type('input[name="q"]', 'zz');
    await act(() => new Promise((r) => setTimeout(r, 350)));
    await flush();
    expect($('[data-testid="pick-empty"]')?.textContent).toBe('Rien ne correspond à « zz ».');
    expect($('input[name="q"]')).not.toBeNull();
  });
});
