import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app';
import { loadSession, resetAuth } from '../../src/auth';
import { applyBranding, safeColor, sameOriginPath } from '../../src/config';
import { setLang } from '../../src/i18n';
import { navigate, startRouter } from '../../src/router';
import { CONFIG, ME, mockApi, PROBLEM, type Handler, type Reply } from './api-mock';

describe('branding', () => {
  it('accepts only hex colours', () => {
    expect(safeColor('#00558c')).toBe('#00558c');
    expect(safeColor('red; background: url(x)')).toBeNull();
    expect(safeColor(undefined)).toBeNull();
  });
  it('uses only same-origin logo paths', () => {
    expect(sameOriginPath('/icons/logo.svg')).toBe('/icons/logo.svg');
    expect(sameOriginPath('//evil.example/x.svg')).toBeNull();
    expect(sameOriginPath('https://evil.example/x.svg')).toBeNull();
  });
  it('sets the --brand custom property', () => {
    applyBranding(CONFIG);
    expect(document.documentElement.style.getPropertyValue('--brand')).toBe('#123456');
  });
});

let root: HTMLElement;
let stop: () => void;

const tabs = () => [...root.querySelectorAll('.bottom-nav a')].map((a) => a.textContent);
const flush = async () => {
  for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};
const $ = <T extends Element = HTMLElement>(selector: string) => root.querySelector<T>(selector);

/** Type into an input as a person would (one input event). */
async function type(selector: string, value: string) {
  const input = $<HTMLInputElement>(selector);
  expect(input, selector).not.toBeNull();
  await act(() => {
    input!.value = value;
    input!.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
async function submit(selector: string) {
  await act(() => {
    $<HTMLFormElement>(selector)!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await flush();
}

async function start(path: string, routes: Record<string, Handler | Reply>) {
  const mock = mockApi({ 'GET /api/config/public': { body: CONFIG }, ...routes });
  navigate(path, { replace: true });
  resetAuth();
  await act(() => render(<App />, root));
  await act(() => loadSession().then(() => undefined));
  await flush();
  return mock;
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  setLang('fr');
  root = document.createElement('div');
  document.body.append(root);
  stop = startRouter();
});
afterEach(() => {
  render(null, root);
  root.remove();
  stop();
  vi.unstubAllGlobals();
});

describe('App shell, signed in', () => {
  const signedIn = { 'GET /api/session': { body: ME } };

  it('renders the header, five tabs and the home page with the configuration', async () => {
    const { requests } = await start('/', signedIn);
    expect(tabs()).toEqual(['Accueil', 'Emploi du temps', 'Messages', 'Aide', 'Plus']);
    expect($('[data-testid="short-name"]')?.textContent).toBe('ENT Tours');
    expect($('[data-testid="university-name"]')?.textContent).toBe('Université de Tours');
    expect($('[data-testid="campuses"]')?.textContent).toContain('Campus Grandmont');
    expect($('[aria-current="page"]')?.getAttribute('href')).toBe('/');
    expect(requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/config/public', '/api/session']));
  });

  it('switches pages from the bottom navigation and changes language on /more', async () => {
    await start('/', signedIn);
    await act(() => $<HTMLAnchorElement>('a[data-tab="timetable"]')!.click());
    expect(location.pathname).toBe('/timetable');
    await flush();
    expect($('[data-testid="day-view"]')).not.toBeNull();
    await act(() => $<HTMLAnchorElement>('a[data-tab="messages"]')!.click());
    await flush(); // its code, fetched the first time it is shown
    expect($('[data-testid="conv-new"]')).not.toBeNull();
    await act(() => $<HTMLAnchorElement>('a[data-tab="more"]')!.click());
    await flush();
    expect(root.textContent).toContain('Assistance connexion étudiant');
    expect($('[data-testid="me-name"]')?.textContent).toContain('Chloé Lefèvre');
    expect($('[data-testid="secretariat-link"]')).toBeNull();
    await act(() => $<HTMLButtonElement>('button[data-lang="en"]')!.click());
    expect(tabs()).toEqual(['Home', 'Timetable', 'Messages', 'Help', 'More']);
    expect(document.documentElement.lang).toBe('en');
    expect(localStorage.getItem('ent.lang')).toBe('en');
  });

  it('shows a not-found page inside the shell for unknown paths', async () => {
    await start('/does/not/exist', signedIn);
    expect($('.bottom-nav')).not.toBeNull();
    expect($('h1')?.textContent).toBe('Page introuvable');
  });

  it('links the secretariat screen only with the accounts permission', async () => {
    await start('/more', { 'GET /api/session': { body: { ...ME, permissions: ['accounts'] } } });
    expect($('[data-testid="secretariat-link"]')).not.toBeNull();
  });

  it('returns to the login screen when a call answers 401 not-signed-in', async () => {
    await start('/more/security/devices', { ...signedIn, 'GET /api/me/sessions': PROBLEM('not-signed-in', 401) });
    expect(location.pathname).toBe('/login');
    expect($('[data-testid="login-notice"]')?.textContent).toContain('Votre session a pris fin');
    expect($('.bottom-nav')).toBeNull();
  });

  it('signs out with DELETE /api/session', async () => {
    const { requests } = await start('/more/security', { ...signedIn, 'DELETE /api/session': { status: 204 } });
    await act(() => $<HTMLButtonElement>('[data-testid="logout"]')!.click());
    await flush();
    const del = requests.find((r) => r.method === 'DELETE');
    expect(del?.path).toBe('/api/session');
    expect(del?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(location.pathname).toBe('/login');
  });
});

describe('Login', () => {
  const signedOut = { 'GET /api/session': PROBLEM('not-signed-in', 401) };

  it('is the entry when not signed in, and returns to the requested page', async () => {
    const { requests } = await start('/timetable', {
      ...signedOut,
      'POST /api/session': { body: { status: 'signed_in', me: ME } },
    });
    expect(location.pathname).toBe('/login');
    expect($('.bottom-nav')).toBeNull();
    const username = $<HTMLInputElement>('input[name="username"]')!;
    const password = $<HTMLInputElement>('input[name="password"]')!;
    expect(username.getAttribute('autocomplete')).toBe('username');
    expect(password.getAttribute('autocomplete')).toBe('current-password');
    expect(password.type).toBe('password');
    expect($<HTMLInputElement>('input[name="remember"]')!.checked).toBe(false); // not installed
    expect(root.textContent).toContain('Première connexion ? Activer mon compte');
    expect(root.textContent).toContain('Mot de passe oublié ?');

    await type('input[name="username"]', ' c.lefevre ');
    await type('input[name="password"]', 'Tours#2025abc');
    await submit('[data-testid="login-form"]');
    expect(requests.find((r) => r.path === '/api/session' && r.method === 'POST')?.body).toEqual({
      identifier: 'c.lefevre',
      password: 'Tours#2025abc',
      remember: false,
    });
    expect(location.pathname).toBe('/timetable');
    expect(tabs()).toHaveLength(5);
  });

  it('shows the password in clear on demand', async () => {
    await start('/login', signedOut);
    const toggle = $<HTMLButtonElement>('button.reveal')!;
    expect(toggle.getAttribute('aria-label')).toBe('Afficher le mot de passe');
    await act(() => toggle.click());
    expect($<HTMLInputElement>('input[name="password"]')!.type).toBe('text');
  });

  it('keeps what was typed and explains each account problem', async () => {
    let answer: Reply = PROBLEM('login-failed', 401);
    await start('/login', { ...signedOut, 'POST /api/session': () => answer });
    await type('input[name="username"]', 'c.lefevre');
    await type('input[name="password"]', 'wrong');
    await submit('[data-testid="login-form"]');
    expect($('[data-testid="problem"]')?.textContent).toBe('Identifiant ou mot de passe incorrect.');
    expect($<HTMLInputElement>('input[name="username"]')!.value).toBe('c.lefevre');
    expect($<HTMLInputElement>('input[name="password"]')!.value).toBe('wrong');

    answer = PROBLEM('account-pending-activation', 403);
    await submit('[data-testid="login-form"]');
    expect($('[data-testid="problem"] a[href="/activation"]')).not.toBeNull();

    answer = { ...PROBLEM('account-locked', 429, { detail: 'Réessayez dans 5 minutes.' }), headers: { 'Retry-After': '300' } };
    await submit('[data-testid="login-form"]');
    expect($('[data-testid="problem"]')?.textContent).toContain('Réessayez dans 5 min');
    expect($('[data-testid="problem"] a[href="/recovery"]')).not.toBeNull();

    answer = PROBLEM('account-suspended', 403, { detail: 'Motif : droits d’inscription impayés.' });
    await submit('[data-testid="login-form"]');
    expect($('[data-testid="problem"]')?.textContent).toContain('Motif : droits d’inscription impayés.');
    expect($('[data-testid="problem"] [data-testid="secretariat-contacts"]')?.textContent).toContain('scolarite@univ-tours.fr');

    answer = PROBLEM('account-closed', 403);
    await submit('[data-testid="login-form"]');
    expect($('[data-testid="problem"]')?.textContent).toContain('vous n’êtes plus inscrit');
    expect($<HTMLInputElement>('input[name="username"]')!.value).toBe('c.lefevre');
  });

  it('asks for a code when two-factor authentication is on', async () => {
    const { requests } = await start('/login', {
      ...signedOut,
      'POST /api/session': { body: { status: 'two_factor_required', pending: 'pend-1' } },
      'POST /api/session/two-factor': (_r, body) =>
        (body as { code: string }).code === '123456' ? { body: { status: 'signed_in', me: ME } } : PROBLEM('code-incorrect', 400),
    });
    await type('input[name="username"]', 'c.lefevre');
    await type('input[name="password"]', 'Tours#2025abc');
    await submit('[data-testid="login-form"]');
    const code = $<HTMLInputElement>('input[name="code"]')!;
    expect(code.getAttribute('autocomplete')).toBe('one-time-code');
    expect(code.getAttribute('inputmode')).toBe('numeric');
    await type('input[name="code"]', '000000');
    await submit('[data-testid="two-factor-form"]');
    expect($('[data-testid="problem"]')?.textContent).toBe('Ce code n’est pas le bon.');
    // A recovery code has letters: a text keyboard.
    await act(() => $<HTMLButtonElement>('[data-testid="toggle-recovery-code"]')!.click());
    expect($('input[name="code"]')!.getAttribute('inputmode')).toBe('text');
    expect(new RegExp(`^(?:${$<HTMLInputElement>('input[name="code"]')!.pattern})$`).test('hmzw-y78f-bdhv')).toBe(true);
    await type('input[name="code"]', '123456');
    await submit('[data-testid="two-factor-form"]');
    expect(requests.filter((r) => r.path === '/api/session/two-factor').at(-1)?.body).toEqual({ pending: 'pend-1', code: '123456' });
    expect(location.pathname).toBe('/');
  });
});
