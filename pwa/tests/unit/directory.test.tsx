import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../../src/i18n';
import { asks, formatPhone } from '../../src/pages/Directory';
import { navigate, startRouter } from '../../src/router';
import { matchScreen } from '../../src/screens';
import { CONFIG, ME, mockApi, PROBLEM, type Handler, type Reply } from './api-mock';
import { $, $$, choose, flush, mount, openApp, type, unmount } from './dom';

let stop: () => void;

const TEACHER = { ...ME, role: 'teacher' };
const HELENE = {
  id: '0b4f6c1e-8a57-4e83-9d0e-2f4b7a1c9e05',
  given_name: 'Hélène',
  family_name: 'Nicolas',
  role: 'teacher',
  title: 'Attachée temporaire d’enseignement et de recherche',
  service: 'Faculté de droit',
  campus: 'Site Tanneurs',
  office: 'Tanneurs, bureau 3A15',
  professional_phone: '+33247367005',
  email: 'helene.nicolas@univ-tours.fr',
};
const OTHER = { ...HELENE, id: '1b4f6c1e-8a57-4e83-9d0e-2f4b7a1c9e06', given_name: 'Hervé', family_name: 'Nicolle' };

async function start(path: string, routes: Record<string, Handler | Reply>, me: Record<string, unknown> = TEACHER) {
  const mock = mockApi({
    'GET /api/config/public': { body: { ...CONFIG, campuses: [...CONFIG.campuses, { code: 'tanneurs', name: 'Site Tanneurs', city: 'Tours' }] } },
    'GET /api/session': { body: me },
    'GET /api/directory/services': { body: ['Faculté de droit', 'Scolarité'] },
    ...routes,
  });
  await openApp(path);
  return mock;
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  setLang('fr');
  mount();
  stop = startRouter();
});
afterEach(() => {
  unmount();
  stop();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('the directory, as plain functions', () => {
  it('shows French numbers in the national format, others as they are', () => {
    expect(formatPhone('+33247367001')).toBe('02 47 36 70 01');
    expect(formatPhone('+33612345678')).toBe('06 12 34 56 78');
    expect(formatPhone('+4930123456')).toBe('+4930123456');
    expect(formatPhone('+3324736700')).toBe('+3324736700');
  });
  it('asks from 2 letters or a filter', () => {
    expect(asks({ q: 'h' })).toBe(false);
    expect(asks({ q: ' he ' })).toBe(true);
    expect(asks({ q: '', campus: 'tanneurs' })).toBe(true);
    expect(asks({})).toBe(false);
  });
  it('matches its screens', () => {
    expect(matchScreen('/directory').id).toBe('directory');
    expect(matchScreen(`/directory/${HELENE.id}`)).toEqual({ id: 'directory-card', personId: HELENE.id });
    expect(matchScreen('/directory/42').id).toBe('not-found');
  });
});

describe('Annuaire', () => {
  it('searches as one types from 2 letters, filters, and pages with « Afficher plus »', async () => {
    const mock = await start('/directory', {
      'GET /api/directory': (request) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        return { body: cursor ? { people: [OTHER] } : { people: [HELENE], next: 'c1' } };
      },
    });
    expect($('h1')?.textContent).toBe('Annuaire');
    expect($('nav.bottom-nav a[aria-current="page"]')?.getAttribute('data-tab')).toBe('more');
    const searches = () => mock.requests.filter((r) => r.path.startsWith('/api/directory?'));
    await type('input[name="q"]', 'h');
    await flush(350);
    expect(searches()).toEqual([]);
    await type('input[name="q"]', 'he');
    await type('input[name="q"]', 'hel');
    await flush(350);
    expect(searches().map((r) => r.path)).toEqual(['/api/directory?q=hel']);
    expect($$('[data-person]').map((a) => a.textContent)).toEqual(['Hélène NicolasAttachée temporaire d’enseignement et de recherche · Faculté de droit']);
    expect($('[data-person]')?.getAttribute('href')).toBe(`/directory/${HELENE.id}`);
    expect(location.search).toBe('?q=hel');

    await act(() => $<HTMLButtonElement>('[data-testid="directory-more"]')!.click());
    await flush();
    expect(searches().at(-1)?.path).toBe('/api/directory?q=hel&cursor=c1');
    expect($$('[data-person]')).toHaveLength(2);
    expect($('[data-testid="directory-more"]')).toBeNull();

    expect($$('#directory-campus option').map((o) => o.textContent)).toEqual(['Tous', 'Campus Grandmont', 'Site Tanneurs']);
    expect($$('#directory-service option').map((o) => o.textContent)).toEqual(['Tous', 'Faculté de droit', 'Scolarité']);
    await choose('#directory-campus', 'tanneurs');
    await choose('#directory-service', 'Faculté de droit');
    expect(searches().at(-1)?.path).toBe(`/api/directory?q=hel&service=${encodeURIComponent('Faculté de droit')}&campus=tanneurs`);
  });

  it('says when nobody matches, and when too many searches were made', async () => {
    let limited = false;
    await start('/directory?q=zz', {
      'GET /api/directory': () => (limited ? { ...PROBLEM('too-many-requests', 429), headers: { 'Retry-After': '120' } } : { body: { people: [] } }),
    });
    expect($('[data-testid="directory-empty"]')?.textContent).toBe('Personne ne correspond');
    limited = true;
    await type('input[name="q"]', 'zzz');
    await flush(350);
    expect($('[data-testid="problem"]')?.dataset.problem).toBe('too-many-requests');
    expect($('[data-testid="directory-limited"]')).not.toBeNull();
  });

  it('shows a card with its phone, e-mail and « Écrire un message »', async () => {
    const mock = await start(`/directory/${HELENE.id}`, {
      [`GET /api/directory/${HELENE.id}`]: { body: HELENE },
      'POST /api/me/conversations': { status: 201, body: { id: 7, kind: 'direct', title: 'Hélène Nicolas', members: [], unread: 0, muted: false } },
    });
    expect($('h1')?.textContent).toBe('Hélène Nicolas');
    expect($('[data-testid="directory-title"]')?.textContent).toBe(HELENE.title);
    expect($('[data-testid="directory-card"] dl')?.textContent).toContain('Tanneurs, bureau 3A15');
    const tel = $<HTMLAnchorElement>('a[href^="tel:"]')!;
    expect(tel.getAttribute('href')).toBe('tel:+33247367005');
    expect(tel.textContent).toBe('02 47 36 70 05');
    expect($('a[href^="mailto:"]')?.getAttribute('href')).toBe('mailto:helene.nicolas@univ-tours.fr');
    await act(() => $<HTMLButtonElement>('[data-testid="directory-write"]')!.click());
    await flush();
    expect(mock.requests.find((r) => r.method === 'POST')?.body).toEqual({ person: HELENE.id });
    expect(location.pathname).toBe('/messages/7');
  });

  it('is neither shown nor linked for a student', async () => {
    const mock = await start('/directory', {}, ME);
    expect($('h1')?.textContent).toBe('Page introuvable');
    expect(mock.requests.some((r) => r.path.startsWith('/api/directory'))).toBe(false);
    await act(() => navigate('/more'));
    await flush();
    expect($('[data-testid="directory-link"]')).toBeNull();
  });

  it('is linked from « Plus » for teachers and staff', async () => {
    await start('/more', {}, { ...ME, role: 'staff' });
    expect($('[data-testid="directory-link"]')?.getAttribute('href')).toBe('/directory');
  });
});
