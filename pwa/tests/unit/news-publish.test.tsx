// The publishing side of news: the form's audience and body, the checks shown at once, the live
// preview (Markdown rendered as elements), the list with states, editing, withdrawing, and the
// server's problem with its detail.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ManagedNews } from '../../src/api/news';
import { setLang } from '../../src/i18n';
import { audienceOf, draftOf, emptyForm, parseCodes, type NewsForm } from '../../src/news/draft';
import { resetNews } from '../../src/news/feed';
import { startRouter } from '../../src/router';
import { matchScreen } from '../../src/screens';
import { CONFIG, ME, mockApi, PROBLEM, type Handler, type Reply } from './api-mock';
import { $, $$, click, type, mount, unmount, openApp } from './dom';

const TZ = 'Europe/Paris';
const NOW = new Date('2026-12-02T09:00:00Z'); // 10:00 in Paris
const form = (patch: Partial<NewsForm> = {}): NewsForm => ({ ...emptyForm(TZ, NOW), title: 'Titre', body: 'Texte', ...patch });

describe('the news form', () => {
  it('defaults to everyone, now (Paris time)', () => {
    const f = emptyForm(TZ, NOW);
    expect(f.everyone).toBe(true);
    expect([f.publishDay, f.publishTime]).toEqual(['2026-12-02', '10:00']);
  });

  it('builds the audience: everyone, or roles, campuses and comma-separated groups', () => {
    expect(audienceOf(form({ roles: ['staff'], groups: 'X' }))).toEqual({ everyone: true, roles: [], campuses: [], programs: [], groups: [] });
    expect(audienceOf(form({ everyone: false, roles: ['staff', 'student'], campuses: ['grandmont'], groups: ' L1-INFO-TD2, M1-BIO,,L1-INFO-TD2 ' }))).toEqual({
      everyone: false,
      roles: ['student', 'staff'],
      campuses: ['grandmont'],
      programs: [],
      groups: ['L1-INFO-TD2', 'M1-BIO'],
    });
    expect(parseCodes('a; b  c')).toEqual(['a', 'b', 'c']);
  });

  it('checks the fields as the server would', () => {
    const bad = draftOf(form({ title: ' ', body: '', link: 'http://x.fr', everyone: false, expiresDay: '2026-12-01', expiresTime: '10:00' }), TZ, { now: NOW });
    expect(bad).toEqual({ ok: false, errors: { title: 'required', body: 'required', link: 'https', audience: 'audience', expires: 'expires-before' } });
    expect(draftOf(form({ link: 'javascript:alert(1)' }), TZ, { now: NOW })).toMatchObject({ ok: false, errors: { link: 'https' } });
  });

  it('leaves publish_at out for now, sends it for a future time, and sends the expiry', () => {
    const now = draftOf(form({ link: ' https://www.univ-tours.fr/x ' }), TZ, { now: NOW });
    expect(now).toEqual({
      ok: true,
      body: { title: 'Titre', body: 'Texte', link_url: 'https://www.univ-tours.fr/x', audience: { everyone: true, roles: [], campuses: [], programs: [], groups: [] }, pinned: false, urgent: false },
    });
    const later = draftOf(form({ publishDay: '2026-12-03', publishTime: '08:30', expiresDay: '2026-12-10', expiresTime: '', urgent: true }), TZ, { now: NOW });
    expect(later.ok && later.body.publish_at).toBe('2026-12-03T07:30:00.000Z');
    expect(later.ok && later.body.expires_at).toBe('2026-12-10T22:59:00.000Z');
    expect(later.ok && later.body.urgent).toBe(true);
  });
});

const managed = (id: number, patch: Partial<ManagedNews> = {}): ManagedNews => ({
  id,
  title: `Actualité ${id}`,
  body: `Texte ${id}`,
  audience: { everyone: true, roles: [], campuses: [], programs: [], groups: [] },
  publish_at: '2026-12-02T08:00:00Z',
  pinned: false,
  urgent: false,
  state: 'published',
  ...patch,
});

let stop: () => void;
async function check(selector: string) {
  await click(selector);
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  setLang('fr');
  resetNews();
  mount();
  stop = startRouter();
});
afterEach(() => {
  unmount();
  stop();
  vi.unstubAllGlobals();
});

async function start(path: string, routes: Record<string, Handler | Reply>, permissions = ['publishing']) {
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': { body: { ...ME, role: 'staff', permissions } },
    ...routes,
  });
  await openApp(path);
  return mock;
}

describe('« Publier une actualité »', () => {
  it('is linked from Plus and opens only with the publishing permission', async () => {
    expect(matchScreen('/more/news')).toEqual({ id: 'news-publish' });
    await start('/more', {});
    expect($('[data-testid="publishing-link"]')?.getAttribute('href')).toBe('/more/news');
    await start('/more', {}, []);
    expect($('[data-testid="publishing-link"]')).toBeNull();
    await start('/more/news', {}, []);
    expect($('[data-testid="publish-list"]')).toBeNull();
    expect($('[data-testid="news-new"]')).toBeNull();
  });

  it('lists every item with its state', async () => {
    await start('/more/news', {
      'GET /api/news': { body: { items: [managed(1, { state: 'scheduled' }), managed(2, { state: 'withdrawn', audience: { everyone: false, roles: ['student'], campuses: ['grandmont'], programs: [], groups: [] } })] } },
    });
    const rows = $$('[data-testid="publish-item"]');
    expect(rows.map((r) => r.querySelector('[data-testid="publish-state"]')?.textContent)).toEqual(['Programmée', 'Retirée']);
    expect(rows[1]?.textContent).toContain('Pour : Étudiants, grandmont');
    expect(rows[1]?.querySelector('[data-testid="publish-withdraw"]')).toBeNull();
  });

  it('previews the body as elements, shows the checks, and publishes for a campus', async () => {
    const publish = vi.fn((_r: Request, body: unknown) => ({ status: 201, body: managed(9, { ...(body as object), state: 'published' }) }));
    const { requests } = await start('/more/news', { 'GET /api/news': { body: { items: [] } }, 'POST /api/news': publish });
    await click('[data-testid="news-new"]');
    await type('textarea[name="body"]', 'Un **gras** et <script>window.__pwned = 1</script>\n\n- un');
    const preview = $('[data-testid="news-preview"]')!;
    expect(preview.querySelector('strong')?.textContent).toBe('gras');
    expect(preview.querySelector('li')?.textContent).toBe('un');
    expect(preview.querySelector('script')).toBeNull();
    expect(preview.textContent).toContain('<script>window.__pwned = 1</script>');

    await click('input[name="everyone"]');
    await type('input[name="link"]', 'ftp://x');
    await click('[data-testid="news-submit"]');
    expect(publish).not.toHaveBeenCalled();
    const errors = $$('.field-error').map((e) => e.textContent);
    expect(errors).toContain('Ce champ est obligatoire.');
    expect(errors).toContain('Indiquez une adresse complète en https://');
    expect(errors).toContain('Choisissez au moins un rôle, un campus ou un groupe, ou « Tout le monde ».');

    await type('input[name="title"]', 'Coupure réseau');
    await type('input[name="link"]', '');
    await check('input[name="campus-grandmont"]');
    await type('input[name="groups"]', 'L1-INFO-TD2');
    await check('input[name="urgent"]');
    expect($('[data-testid="news-urgent-warning"]')?.textContent).toContain('notification');
    await click('[data-testid="news-submit"]');
    expect(publish).toHaveBeenCalledTimes(1);
    const sent = requests.find((r) => r.method === 'POST')!;
    expect(sent.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(sent.body).toMatchObject({
      title: 'Coupure réseau',
      audience: { everyone: false, roles: [], campuses: ['grandmont'], programs: [], groups: ['L1-INFO-TD2'] },
      urgent: true,
      pinned: false,
    });
    expect($('[data-testid="publish-notice"]')?.textContent).toBe('Actualité publiée.');
    expect($('[data-testid="publish-item-title"]')?.textContent).toBe('Coupure réseau');
  });

  it('shows the problem with its translated detail', async () => {
    await start('/more/news', {
      'GET /api/news': { body: { items: [] } },
      'POST /api/news': PROBLEM('invalid-news', 422, { title: 'Actualité refusée', detail: 'Le groupe ZZZ n’existe pas.' }),
    });
    await click('[data-testid="news-new"]');
    await type('input[name="title"]', 'T');
    await type('textarea[name="body"]', 'B');
    await click('[data-testid="news-submit"]');
    const alert = $('[data-testid="problem"]')!;
    expect(alert.getAttribute('data-problem')).toBe('invalid-news');
    expect(alert.textContent).toContain('Le groupe ZZZ n’existe pas.');
  });

  it('edits an item (keeping its publication time) and withdraws one after confirmation', async () => {
    const edit = vi.fn((_r: Request, body: unknown) => ({ body: managed(1, body as Partial<ManagedNews>) }));
    const withdraw = vi.fn(() => ({ status: 204 }));
    const { requests } = await start('/more/news', { 'GET /api/news': { body: { items: [managed(1), managed(2)] } }, 'PUT /api/news/1': edit, 'DELETE /api/news/2': withdraw });
    await click('[data-testid="publish-item"][data-id="1"] [data-testid="publish-edit"]');
    expect($<HTMLInputElement>('input[name="title"]')?.value).toBe('Actualité 1');
    await type('input[name="title"]', 'Corrigée');
    await click('[data-testid="news-submit"]');
    expect(requests.find((r) => r.method === 'PUT')?.body).toMatchObject({ title: 'Corrigée', publish_at: '2026-12-02T08:00:00Z' });
    expect($('[data-testid="publish-item"][data-id="1"] [data-testid="publish-item-title"]')?.textContent).toBe('Corrigée');

    await click('[data-testid="publish-item"][data-id="2"] [data-testid="publish-withdraw"]');
    expect($('[data-testid="withdraw-dialog"]')?.textContent).toContain('« Actualité 2 »');
    expect(withdraw).not.toHaveBeenCalled();
    await click('[data-testid="withdraw-confirm"]');
    expect(withdraw).toHaveBeenCalledTimes(1);
    expect($('[data-testid="publish-item"][data-id="2"]')?.getAttribute('data-state')).toBe('withdrawn');
    expect($('[data-testid="publish-notice"]')?.textContent).toBe('Actualité retirée.');
  });
});
