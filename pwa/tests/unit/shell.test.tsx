import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app';
import { applyBranding, safeColor, sameOriginPath } from '../../src/config';
import { setLang } from '../../src/i18n';
import { navigate, startRouter } from '../../src/router';

const CONFIG = {
  university: { name: 'Université de Tours', short_name: 'ENT Tours', website: 'https://www.univ-tours.fr' },
  branding: { primary_color: '#123456', background_color: '#ffffff', logo_url: '/icons/logo.svg' },
  languages: ['fr', 'en'],
  default_language: 'fr',
  time_zone: 'Europe/Paris',
  campuses: [{ code: 'grandmont', name: 'Campus Grandmont', city: 'Tours' }],
  secretariat: [{ name: 'Scolarité centrale', email: 'scolarite@univ-tours.fr', phone: '+33247366600', hours: 'Lun.–ven. 9h–17h' }],
};

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

describe('App shell', () => {
  let root: HTMLElement;
  let stop: () => void;
  beforeEach(() => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response(JSON.stringify(CONFIG), { headers: { 'Content-Type': 'application/json' } }))),
    );
    localStorage.clear();
    setLang('fr');
    navigate('/', { replace: true });
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

  const tabs = () => [...root.querySelectorAll('.bottom-nav a')].map((a) => a.textContent);
  const flush = async () => {
    for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
  };

  it('renders the header, five tabs and the home page with the configuration', async () => {
    await act(() => render(<App />, root));
    await flush();
    expect(tabs()).toEqual(['Accueil', 'Emploi du temps', 'Messages', 'Aide', 'Plus']);
    expect(root.querySelector('[data-testid="short-name"]')?.textContent).toBe('ENT Tours');
    expect(root.querySelector('[data-testid="university-name"]')?.textContent).toBe('Université de Tours');
    expect(root.querySelector('[data-testid="campuses"]')?.textContent).toContain('Campus Grandmont');
    expect(root.querySelector('[aria-current="page"]')?.getAttribute('href')).toBe('/');
    const request = vi.mocked(fetch).mock.calls[0]?.[0] as Request;
    expect(new URL(request.url).pathname).toBe('/api/config/public');
  });

  it('switches pages from the bottom navigation and changes language on /more', async () => {
    await act(() => render(<App />, root));
    await flush();
    await act(() => root.querySelector<HTMLAnchorElement>('a[data-tab="timetable"]')!.click());
    expect(location.pathname).toBe('/timetable');
    expect(root.querySelector('[data-testid="soon"]')).not.toBeNull();
    await act(() => root.querySelector<HTMLAnchorElement>('a[data-tab="more"]')!.click());
    expect(root.textContent).toContain('Assistance connexion étudiant');
    await act(() => root.querySelector<HTMLButtonElement>('button[data-lang="en"]')!.click());
    expect(tabs()).toEqual(['Home', 'Timetable', 'Messages', 'Help', 'More']);
    expect(document.documentElement.lang).toBe('en');
    expect(localStorage.getItem('ent.lang')).toBe('en');
  });

  it('shows a not-found page inside the shell for unknown paths', async () => {
    navigate('/does/not/exist');
    await act(() => render(<App />, root));
    await flush();
    expect(root.querySelector('.bottom-nav')).not.toBeNull();
    expect(root.querySelector('h1')?.textContent).toBe('Page introuvable');
  });
});
