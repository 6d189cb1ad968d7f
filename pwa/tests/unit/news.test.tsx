import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signOut } from '../../src/auth';
import { setLang } from '../../src/i18n';
import type { NewsItem } from '../../src/api/news';
import { forgetNews, resetNews } from '../../src/news/feed';
import { readFeed, setNewsBackend, writeFeed } from '../../src/news/store';
import { Markdown } from '../../src/news/markdown';
import { safeAppPath } from '../../src/push/notification';
import { startRouter } from '../../src/router';
import { matchScreen } from '../../src/screens';
import { CONFIG, ME, mockApi, PROBLEM, type Handler, type Reply } from './api-mock';
import { $, $$, flush, click, mount, unmount, openApp } from './dom';

let root: HTMLElement;
let stop: () => void;

const item = (id: number, patch: Partial<NewsItem> = {}): NewsItem => ({
  id,
  title: `Actualité ${id}`,
  body: `Texte ${id}`,
  publish_at: '2026-12-02T09:30:00Z',
  pinned: false,
  urgent: false,
  read: false,
  ...patch,
});

beforeEach(async () => {
  localStorage.clear();
  sessionStorage.clear();
  setLang('fr');
  setNewsBackend();
  await forgetNews();
  resetNews();
  root = mount();
  stop = startRouter();
});
afterEach(() => {
  unmount();
  stop();
  vi.unstubAllGlobals();
});

describe('the Markdown subset', () => {
  const show = async (source: string) => {
    await act(() => render(<Markdown source={source} />, root));
    return root.querySelector('.news-body')!;
  };

  it('renders paragraphs, line breaks, bold, italic and lists', async () => {
    const body = await show('Premier **gras** et *italique*\nligne deux\n\n- un\n- **deux**\n\nFin');
    const paragraphs = body.querySelectorAll('p');
    expect(paragraphs).toHaveLength(2);
    expect(paragraphs[0]?.querySelector('strong')?.textContent).toBe('gras');
    expect(paragraphs[0]?.querySelector('em')?.textContent).toBe('italique');
    expect(paragraphs[0]?.querySelectorAll('br')).toHaveLength(1);
    expect([...body.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['un', 'deux']);
    expect(body.querySelector('li strong')?.textContent).toBe('deux');
    expect(paragraphs[1]?.textContent).toBe('Fin');
  });

  it('makes links of http(s) URLs only, in a new tab without opener', async () => {
    const body = await show('Voir [le site](https://www.univ-tours.fr/a?b=1) ou [ceci](javascript:alert%281%29) ou [cela](javascript:alert(1)) ou [là](data:text/html,x) ou [ici](/api/x)');
    const links = body.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]?.getAttribute('href')).toBe('https://www.univ-tours.fr/a?b=1');
    expect(links[0]?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(links[0]?.getAttribute('target')).toBe('_blank');
    expect(body.textContent).toContain('ceci');
    expect(body.textContent).toContain('Voir le site ou ceci ou'); // the label alone, as text
    expect(body.querySelector('[href^="javascript"]')).toBeNull();
  });

  it('shows <script> as text', async () => {
    const body = await show('<script>alert(1)</script> **<img src=x onerror=alert(1)>**');
    expect(body.querySelector('script')).toBeNull();
    expect(body.querySelector('img')).toBeNull();
    expect(body.textContent).toContain('<script>alert(1)</script>');
  });
});

describe('routes', () => {
  it('knows /news and /news/{id}, which a notification may open', () => {
    expect(matchScreen('/news')).toEqual({ id: 'news' });
    expect(matchScreen('/news/42')).toEqual({ id: 'news-item', newsId: '42' });
    expect(matchScreen('/news/abc')).toEqual({ id: 'not-found' });
    expect(safeAppPath('/news/42', 'https://ent.example')).toBe('/news/42');
  });
});

async function start(path: string, routes: Record<string, Handler | Reply>, signedIn = true) {
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': signedIn ? { body: ME } : PROBLEM('not-signed-in', 401),
    ...routes,
  });
  await openApp(path);
  return mock;
}

const PAGE_1 = [item(1, { pinned: true, title: 'Épinglée', read: true }), item(2, { urgent: true, title: 'Urgente' }), item(3)];
const PAGE_2 = [item(4, { title: 'Plus ancienne', publish_at: '2026-11-02T09:30:00Z' })];
const pages: Handler = (request) => {
  const cursor = new URL(request.url).searchParams.get('cursor');
  return cursor === 'c2' ? { body: { items: PAGE_2 } } : { body: { items: PAGE_1, next_cursor: 'c2' } };
};

describe('the news screens', () => {
  it('lists the items with badges, unread dots and Paris dates, and loads the next page', async () => {
    const { requests } = await start('/news', { 'GET /api/me/news': pages });
    const rows = $$('[data-testid="news-item"]');
    expect(rows.map((r) => r.querySelector('[data-testid="news-title"]')?.textContent)).toEqual(['Épinglée', 'Urgente', 'Actualité 3']);
    expect(rows[0]?.querySelector('[data-testid="news-pinned"]')?.textContent).toBe('Épinglé');
    expect(rows[1]?.querySelector('[data-testid="news-urgent"]')?.textContent).toBe('Urgent');
    expect(rows[0]?.querySelector('[data-testid="news-unread"]')).toBeNull();
    expect(rows[1]?.querySelector('[data-testid="news-unread"]')).not.toBeNull();
    expect(rows[0]?.querySelector('[data-testid="news-date"]')?.textContent).toContain('10:30'); // 09:30 UTC in Paris
    expect(requests.filter((r) => r.path.startsWith('/api/me/news'))).toHaveLength(1);

    await click('[data-testid="news-more"]');
    expect(requests.map((r) => r.path)).toContain('/api/me/news?cursor=c2');
    expect($$('[data-testid="news-item"]')).toHaveLength(4);
    expect($('[data-testid="news-more"]')).toBeNull(); // no next_cursor: the end
  });

  it('opens an item from the loaded pages, renders its body and marks it read', async () => {
    const body = 'Bonjour **à tous**\n\n<script>alert(1)</script>';
    const read = vi.fn(() => ({ status: 204 }));
    const { requests } = await start('/news', {
      'GET /api/me/news': { body: { items: [item(7, { title: '<script>x</script>', body })] } },
      'POST /api/me/news/7/read': read,
    });
    expect($('[data-testid="news-unread"]')).not.toBeNull();
    await click('[data-testid="news-item"] a');
    expect(location.pathname).toBe('/news/7');
    expect($('[data-testid="news-detail-title"]')?.textContent).toBe('<script>x</script>');
    expect($('.news-body strong')?.textContent).toBe('à tous');
    expect(root.querySelector('script')).toBeNull();
    expect(read).toHaveBeenCalledTimes(1);
    expect(requests.filter((r) => r.method === 'POST')[0]?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    await click('[data-testid="news-back"]');
    expect($('[data-testid="news-unread"]')).toBeNull();
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('opens /news/{id} directly (a notification tap) by loading the feed', async () => {
    const read = vi.fn(() => ({ status: 204 }));
    await start('/news/2', { 'GET /api/me/news': pages, 'POST /api/me/news/2/read': read });
    expect($('[data-testid="news-detail-title"]')?.textContent).toBe('Urgente');
    expect(read).toHaveBeenCalledTimes(1);
    await start('/news/99', { 'GET /api/me/news': pages });
    expect($('[data-testid="news-missing"]')).not.toBeNull();
  });

  it('shows the public feed when signed out, without read markers, and never marks read', async () => {
    const { requests } = await start('/news', { 'GET /api/news/public': { body: { items: [item(5, { title: 'Pour tous' })] } } }, false);
    expect(location.pathname).toBe('/news');
    expect($('[data-testid="news-title"]')?.textContent).toBe('Pour tous');
    expect($('[data-testid="news-unread"]')).toBeNull();
    await click('[data-testid="news-item"] a');
    expect($('[data-testid="news-detail-title"]')?.textContent).toBe('Pour tous');
    expect(requests.some((r) => r.path.startsWith('/api/me/news'))).toBe(false);
  });

  it('links to the public feed from the login screen', async () => {
    await start('/login', {}, false);
    expect($('[data-testid="login-news"]')?.getAttribute('href')).toBe('/news');
  });

  it('shows the 3 newest items on the home page', async () => {
    const items = [item(1, { pinned: true, publish_at: '2026-10-01T08:00:00Z', title: 'Vieille épinglée' }), ...[2, 3, 4].map((id) => item(id, { publish_at: `2026-12-0${id}T08:00:00Z` }))];
    await start('/', { 'GET /api/me/news': { body: { items } } });
    const card = $('[data-testid="news-card"]')!;
    expect([...card.querySelectorAll('[data-testid="news-title"]')].map((t) => t.textContent)).toEqual(['Actualité 4', 'Actualité 3', 'Actualité 2']);
    expect(card.querySelector('[data-testid="news-card-all"]')?.getAttribute('href')).toBe('/news');
  });
});

describe('the news offline', () => {
  const offline: Handler = () => {
    throw new TypeError('Failed to fetch');
  };

  it('keeps the loaded pages on the device and shows them, dated, when the server cannot be reached', async () => {
    await start('/news', { 'GET /api/me/news': pages });
    await click('[data-testid="news-more"]');
    const copy = await readFeed();
    expect(copy?.owner).toBe('p-1');
    expect(copy?.items.map((i) => i.id)).toEqual([1, 2, 3, 4]);
    expect($('[data-testid="news-offline"]')).toBeNull();

    resetNews();
    await start('/news', { 'GET /api/me/news': offline, 'POST /api/me/news/2/read': offline });
    expect($$('[data-testid="news-item"]')).toHaveLength(4);
    expect($('[data-testid="news-offline"]')?.textContent).toMatch(/^Hors ligne — mis à jour le \d{1,2} \S+ à \d\d:\d\d$/);
    expect($('[data-testid="news-more"]')).toBeNull();
    // An item of the copy opens too, with the same line.
    await click('[data-testid="news-item"][data-id="2"] a');
    expect($('[data-testid="news-detail-title"]')?.textContent).toBe('Urgente');
    expect($('[data-testid="news-offline"]')).not.toBeNull();
  });

  it('started offline after a sign-in, shows this device’s copy; another person’s copy is never shown', async () => {
    await writeFeed({ owner: 'p-1', fetchedAt: Date.parse('2026-12-01T17:45:00Z'), items: PAGE_1, next: 'c2', extra: [] });
    localStorage.setItem('ent.signedIn', '1');
    const { fetch } = mockApi({});
    fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    await openApp('/news');
    expect($('[data-testid="news-offline"]')?.textContent).toBe('Hors ligne — mis à jour le 1 décembre à 18:45');
    expect($$('[data-testid="news-title"]').map((t) => t.textContent)).toEqual(['Épinglée', 'Urgente', 'Actualité 3']);

    // Signed in as someone else: their feed fails offline, the copy is dropped.
    resetNews();
    await start('/news', { 'GET /api/session': { body: { ...ME, person_id: 'p-2' } }, 'GET /api/me/news': offline });
    expect($('[data-testid="news-item"]')).toBeNull();
    expect($('[data-testid="problem"]')?.dataset.problem).toBe('network');
    expect(await readFeed()).toBeUndefined();
  });

  it('asks an item that is not in the loaded pages alone, and keeps it with the copy', async () => {
    const read = vi.fn(() => ({ status: 204 }));
    await start('/news/40', {
      'GET /api/me/news': pages,
      'GET /api/me/news/40': { body: item(40, { title: 'Ancienne' }) },
      'POST /api/me/news/40/read': read,
    });
    expect($('[data-testid="news-detail-title"]')?.textContent).toBe('Ancienne');
    expect(read).toHaveBeenCalledTimes(1);
    expect((await readFeed())?.extra.map((i) => [i.id, i.read])).toEqual([[40, true]]);
    resetNews();
    await start('/news/40', { 'GET /api/me/news': offline, 'GET /api/me/news/40': offline });
    expect($('[data-testid="news-detail-title"]')?.textContent).toBe('Ancienne');
  });

  it('is emptied at sign-out', async () => {
    await start('/news', { 'GET /api/me/news': pages, 'DELETE /api/session': { status: 204 } });
    expect(await readFeed()).toBeDefined();
    await act(() => signOut());
    await flush();
    expect(await readFeed()).toBeUndefined();
    expect(location.pathname).toBe('/login');
  });
});
