import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { casRequest, isNavigable, toService } from '../../src/cas';
import { serviceTarget } from '../../src/components/ServiceLink';
import { setLang } from '../../src/i18n';
import { fold, matches, withFavourite } from '../../src/pages/Services';
import { navigate, startRouter } from '../../src/router';
import { CONFIG, ME, mockApi, PROBLEM, type Handler, type Reply } from './api-mock';
import { $, $$, click, flush, mount, openApp, type, unmount } from './dom';

let root: HTMLElement;
let stop: () => void;

async function submit(selector: string) {
  await act(() => {
    $<HTMLFormElement>(selector)!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await flush();
}

const LIST = {
  categories: [
    { code: 'pedagogie', name: 'Pédagogie' },
    { code: 'vie', name: 'Vie étudiante' },
  ],
  services: [
    { code: 'moodle', name: 'Moodle', description: 'Cours en ligne', icon: 'book', category: 'pedagogie', href: '/cas/login?service=https%3A%2F%2Fmoodle.example%2F', single_sign_on: true, favourite: true },
    { code: 'evaluations', name: 'Évaluations', icon: 'school', category: 'pedagogie', href: '/cas/login?service=https%3A%2F%2Feval.example%2F', single_sign_on: true, favourite: false },
    { code: 'site', name: 'Site de l’université', icon: 'planet', category: 'vie', href: 'https://www.univ-tours.fr/', single_sign_on: false, favourite: false },
    { code: 'bad', name: 'Mauvais lien', icon: 'link', category: 'vie', href: 'javascript:alert(1)', single_sign_on: false, favourite: false },
  ],
};

async function start(path: string, routes: Record<string, Handler | Reply>, signedIn: Record<string, unknown> | null = ME) {
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': signedIn ? { body: signedIn } : PROBLEM('not-signed-in', 401),
    'GET /api/services': { body: LIST },
    ...routes,
  });
  await openApp(path);
  return mock;
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  setLang('fr');
  root = mount();
  stop = startRouter();
});
afterEach(() => {
  unmount();
  stop();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('search and favourites, as plain functions', () => {
  it('fold accents and case', () => {
    expect(fold('Évaluations ÇA')).toBe('evaluations ca');
    expect(matches({ name: 'Évaluations' }, 'evalu')).toBe(true);
    expect(matches({ name: 'Moodle', description: 'Cours en ligne' }, 'COURS ligne')).toBe(true);
    expect(matches({ name: 'Moodle' }, 'mail')).toBe(false);
    expect(matches({ name: 'Moodle' }, '  ')).toBe(true);
  });
  it('add a favourite last and put it back where it was', () => {
    expect(withFavourite(['a', 'b'], 'c', true)).toEqual(['a', 'b', 'c']);
    expect(withFavourite(['a', 'b', 'c'], 'b', false)).toEqual(['a', 'c']);
    expect(withFavourite(['a', 'c'], 'b', true, 1)).toEqual(['a', 'b', 'c']);
  });
  it('open CAS services here, plain links in a new tab, nothing else', () => {
    expect(serviceTarget({ href: '/cas/login?service=x' })).toEqual({ href: '/cas/login?service=x', external: false });
    expect(serviceTarget({ href: 'https://www.univ-tours.fr/' })).toEqual({ href: 'https://www.univ-tours.fr/', external: true });
    expect(serviceTarget({ href: 'javascript:alert(1)' })).toBeNull();
    expect(serviceTarget({ href: '//evil.example/' })).toBeNull();
  });
  it('accept only a login request the server could have written', () => {
    for (const [search, expected] of [
      ['?cas=LR-0123456789abcdef0123456789abcdef', 'LR-0123456789abcdef0123456789abcdef'],
      ['?cas=garbage', null],
      ['?cas=LR-xyz0123456789abcdef', null],
      ['?cas=LR-0123456789abcdef%0Ahttps://evil', null],
      ['?cas=ST-0123456789abcdef0123', null],
      ['', null],
    ] as const) {
      history.replaceState(null, '', `/login${search}`);
      expect(casRequest(), search).toBe(expected);
    }
    expect(isNavigable('http://127.0.0.1:8000/?ticket=ST-1')).toBe(true);
    expect(isNavigable('javascript:alert(1)')).toBe(false);
    expect(isNavigable('data:text/html,x')).toBe(false);
    expect(isNavigable(42)).toBe(false);
  });
});

describe('Tous les services', () => {
  it('groups the services by category, favourites first, with their links and icons', async () => {
    await start('/services', {});
    expect($('h1')?.textContent).toBe('Tous les services');
    expect($('nav.bottom-nav a[aria-current="page"]')?.getAttribute('data-tab')).toBe('home');
    expect($('[data-testid="services-favourites"] h2')?.textContent).toBe('Favoris');
    expect($$('[data-testid="services-favourites"] [data-service]').map((li) => li.dataset.service)).toEqual(['moodle']);
    expect($$('[data-category] h2').map((h) => h.textContent)).toEqual(['Pédagogie', 'Vie étudiante']);
    expect($$('[data-category="pedagogie"] [data-service]').map((li) => li.dataset.service)).toEqual(['moodle', 'evaluations']);
    const moodle = $<HTMLAnchorElement>('[data-category="pedagogie"] [data-service="moodle"] a')!;
    expect(moodle.getAttribute('href')).toBe('/cas/login?service=https%3A%2F%2Fmoodle.example%2F');
    expect(moodle.getAttribute('target')).toBeNull();
    const site = $<HTMLAnchorElement>('[data-service="site"] a')!;
    expect(site.getAttribute('target')).toBe('_blank');
    expect(site.getAttribute('rel')).toBe('noopener');
    // An unknown icon shows the link icon; a javascript: address is no link at all.
    const drawing = (selector: string) => [...root.querySelectorAll(`${selector} svg path`)].map((p) => p.getAttribute('d'));
    expect(drawing('[data-service="site"]')).toEqual(drawing('[data-service="bad"]'));
    expect(drawing('[data-service="site"]')).not.toEqual(drawing('[data-service="evaluations"] .service-icon'));
    expect($('[data-service="bad"] a')).toBeNull();
    const star = $('[data-category="pedagogie"] [data-service="moodle"] button')!;
    expect(star.getAttribute('aria-label')).toBe('Retirer des favoris');
    expect(document.getElementById(star.getAttribute('aria-describedby')!)?.textContent).toBe('Moodle');
    expect($('[data-service="evaluations"] button')?.getAttribute('aria-label')).toBe('Ajouter aux favoris');
  });

  it('searches with accents and case folded', async () => {
    await start('/services', {});
    await type('input[type="search"]', 'EVALU');
    expect($$('[data-category] [data-service]').map((li) => li.dataset.service)).toEqual(['evaluations']);
    expect($('[data-testid="services-favourites"]')).toBeNull();
    await type('input[type="search"]', 'zzz');
    expect($('[data-testid="services-none"]')?.textContent).toBe('Aucun service ne correspond');
  });

  it('stars a favourite at once, and takes it back when the server refuses', async () => {
    let answer: Reply = { status: 204 };
    const { requests } = await start('/services', {
      'PUT /api/services/evaluations/favourite': () => answer,
      'DELETE /api/services/moodle/favourite': PROBLEM('service-unavailable', 503),
      'DELETE /api/services/evaluations/favourite': { status: 204 },
    });
    await click('[data-category="pedagogie"] [data-service="evaluations"] button');
    expect(requests.some((r) => r.method === 'PUT' && r.path === '/api/services/evaluations/favourite')).toBe(true);
    expect(requests.find((r) => r.method === 'PUT')?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect($$('[data-testid="services-favourites"] [data-service]').map((li) => li.dataset.service)).toEqual(['moodle', 'evaluations']);
    expect($('[data-category="pedagogie"] [data-service="evaluations"] button')?.getAttribute('aria-label')).toBe('Retirer des favoris');

    await click('[data-category="pedagogie"] [data-service="moodle"] button');
    expect($$('[data-testid="services-favourites"] [data-service]').map((li) => li.dataset.service)).toEqual(['moodle', 'evaluations']);
    expect($('[data-testid="problem"]')).not.toBeNull();

    answer = PROBLEM('not-found', 404);
    await click('[data-category="pedagogie"] [data-service="evaluations"] button');
    await click('[data-category="pedagogie"] [data-service="evaluations"] button');
    expect(requests.filter((r) => r.path === '/api/services/evaluations/favourite').map((r) => r.method)).toEqual(['PUT', 'DELETE', 'PUT']);
    expect($$('[data-testid="services-favourites"] [data-service]').map((li) => li.dataset.service)).toEqual(['moodle']);
  });

  it('shows the favourites on the home page, with « Tous les services »', async () => {
    await start('/', {});
    const card = $('[data-testid="favourites-card"]')!;
    expect(card).toBe($('main section.card'));
    expect([...card.querySelectorAll<HTMLElement>('[data-service]')].map((li) => li.dataset.service)).toEqual(['moodle']);
    expect(card.querySelector('a[href="/services"]')?.textContent).toBe('Tous les services');
  });

  it('tells how to choose favourites when there are none', async () => {
    await start('/', { 'GET /api/services': { body: { ...LIST, services: LIST.services.map((s) => ({ ...s, favourite: false })) } } });
    expect($('[data-testid="favourites-card"]')?.textContent).toContain('Ajoutez vos services préférés');
  });
});

describe('Signing in for a service (/login?cas=…)', () => {
  const REQUEST = 'LR-00112233445566778899aabbccddeeff';
  const TARGET = 'http://127.0.0.1:8000/?ticket=ST-abc';
  const signedOut = { 'GET /api/session': PROBLEM('not-signed-in', 401) };

  it('signs in, then goes to the service with the address the server gave', async () => {
    const go = vi.spyOn(toService, 'go').mockImplementation(() => undefined);
    const { requests } = await start(
      `/login?cas=${REQUEST}`,
      {
        ...signedOut,
        'POST /api/session': { body: { status: 'signed_in', me: ME } },
        'POST /api/cas/continuation': { body: { location: TARGET } },
      },
      null,
    );
    expect($('[data-testid="cas-notice"]')).not.toBeNull();
    await type('input[name="username"]', 'c.lefevre');
    await type('input[name="password"]', 'Tours#2025abc');
    await submit('[data-testid="login-form"]');
    expect(requests.find((r) => r.path === '/api/cas/continuation')?.body).toEqual({ request: REQUEST });
    expect(requests.find((r) => r.path === '/api/cas/continuation')?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(go).toHaveBeenCalledExactlyOnceWith(TARGET);
    expect($('[data-testid="cas-connecting"]')?.textContent).toBe('Connexion au service…');
    expect(location.pathname).toBe('/login');
  });

  it('keeps the service across the two-factor step', async () => {
    const go = vi.spyOn(toService, 'go').mockImplementation(() => undefined);
    await start(
      `/login?cas=${REQUEST}`,
      {
        ...signedOut,
        'POST /api/session': { body: { status: 'two_factor_required', pending: 'pend-1' } },
        'POST /api/session/two-factor': { body: { status: 'signed_in', me: ME } },
        'POST /api/cas/continuation': { body: { location: TARGET } },
      },
      null,
    );
    await type('input[name="username"]', 'c.lefevre');
    await type('input[name="password"]', 'Tours#2025abc');
    await submit('[data-testid="login-form"]');
    expect(go).not.toHaveBeenCalled();
    await type('input[name="code"]', '123456');
    await submit('[data-testid="two-factor-form"]');
    expect(go).toHaveBeenCalledExactlyOnceWith(TARGET);
  });

  it('already signed in, goes on at once; with renew, asks for the password first', async () => {
    const go = vi.spyOn(toService, 'go').mockImplementation(() => undefined);
    let confirmed = false;
    const { requests } = await start(`/login?cas=${REQUEST}`, {
      'POST /api/cas/continuation': () => (confirmed ? { body: { location: TARGET } } : PROBLEM('reauthentication-required', 403)),
      'POST /api/session/reauthentication': () => {
        confirmed = true;
        return { status: 204 };
      },
    });
    expect($('[data-testid="login-form"]')).toBeNull();
    expect($('[data-testid="reauth-dialog"]')).not.toBeNull();
    expect(go).not.toHaveBeenCalled();
    await type('[data-testid="reauth-dialog"] input[name="password"]', 'Tours#2025abc');
    await submit('[data-testid="reauth-dialog"] form');
    expect(requests.filter((r) => r.path === '/api/cas/continuation')).toHaveLength(2);
    expect(go).toHaveBeenCalledExactlyOnceWith(TARGET);
  });

  it('cancelling the password prompt offers it again', async () => {
    vi.spyOn(toService, 'go').mockImplementation(() => undefined);
    await start(`/login?cas=${REQUEST}`, { 'POST /api/cas/continuation': PROBLEM('reauthentication-required', 403) });
    const cancel = [...root.querySelectorAll<HTMLButtonElement>('[data-testid="reauth-dialog"] button')].find((b) => b.textContent === 'Annuler')!;
    await act(() => cancel.click());
    await flush();
    expect($('[data-testid="cas-renew"]')?.textContent).toContain('saisir de nouveau votre mot de passe');
    await click('[data-testid="cas-renew"] button');
    expect($('[data-testid="reauth-dialog"]')).not.toBeNull();
  });

  it('explains the server’s refusals and never navigates', async () => {
    const go = vi.spyOn(toService, 'go').mockImplementation(() => undefined);
    let answer: Reply = PROBLEM('cas-login-request-expired', 410);
    await start(`/login?cas=${REQUEST}`, { 'POST /api/cas/continuation': () => answer });
    expect($('[data-testid="cas-failure"]')?.textContent).toContain('Le délai pour ouvrir ce service est dépassé');
    expect($('[data-testid="cas-failure"] a[href="/services"]')).not.toBeNull();
    expect($('[data-testid="cas-home"]')).not.toBeNull();

    answer = PROBLEM('service-forbidden', 403);
    navigate(`/login?cas=${REQUEST.replace('00', '01')}`);
    await flush();
    expect($('[data-testid="cas-failure"]')?.textContent).toContain('Ce service n’est pas ouvert à votre profil.');

    answer = { body: { location: 'javascript:alert(1)' } };
    navigate(`/login?cas=${REQUEST.replace('00', '02')}`);
    await flush();
    expect($('[data-testid="cas-failure"]')).not.toBeNull();
    expect(go).not.toHaveBeenCalled();
  });

  it('ignores a cas value the server could not have written', async () => {
    const go = vi.spyOn(toService, 'go').mockImplementation(() => undefined);
    const { requests } = await start(
      '/login?cas=garbage',
      { ...signedOut, 'POST /api/session': { body: { status: 'signed_in', me: ME } } },
      null,
    );
    expect($('[data-testid="cas-notice"]')).toBeNull();
    await type('input[name="username"]', 'c.lefevre');
    await type('input[name="password"]', 'Tours#2025abc');
    await submit('[data-testid="login-form"]');
    expect(location.pathname).toBe('/');
    expect(requests.some((r) => r.path === '/api/cas/continuation')).toBe(false);
    expect(go).not.toHaveBeenCalled();
  });
});

describe('Activity and devices', () => {
  it('names the service opened, from the list when it has it', async () => {
    await start('/more/security/activity', {
      'GET /api/me/security-events': {
        body: [
          { at: '2025-09-01T06:30:00Z', kind: 'service_opened', service: 'moodle', success: true, ip: '192.0.2.1', device: 'Firefox' },
          { at: '2025-09-01T06:20:00Z', kind: 'service_opened', service: 'gone', success: true, ip: '192.0.2.1', device: 'Firefox' },
          { at: '2025-09-01T06:10:00Z', kind: 'service_opened', success: true, ip: '192.0.2.1', device: 'Firefox' },
        ],
      },
    });
    const items = $$('[data-testid="events"] li strong').map((s) => s.textContent);
    expect(items).toEqual(['Connexion à Moodle', 'Connexion à gone', 'Connexion à un service']);
  });

  it('lists the services opened from each device', async () => {
    const device = (id: string, current: boolean, services: string[]) => ({
      id,
      device: 'Firefox · Linux',
      ip: '192.0.2.1',
      first_seen_at: '2025-09-01T06:30:00Z',
      last_seen_at: '2025-09-02T16:00:00Z',
      current,
      push: false,
      remembered: false,
      services,
    });
    await start('/more/security/devices', { 'GET /api/me/sessions': { body: [device('s1', true, ['moodle', 'gone']), device('s2', false, [])] } });
    const items = $$('[data-testid="devices"] > li');
    expect(items[0]?.querySelector('[data-testid="device-services"]')?.textContent).toBe('Services ouverts : Moodle, gone');
    expect(items[1]?.querySelector('[data-testid="device-services"]')).toBeNull();
  });

  it('reads in English too', async () => {
    setLang('en');
    await start('/more/security/activity', {
      'GET /api/me/security-events': { body: [{ at: '2025-09-01T06:30:00Z', kind: 'service_opened', service: 'moodle', success: true, ip: '', device: '' }] },
    });
    await flush();
    expect($('[data-testid="events"] li strong')?.textContent).toBe('Signed in to Moodle');
  });
});
