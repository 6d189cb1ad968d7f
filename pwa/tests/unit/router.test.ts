import { describe, expect, it } from 'vitest';
import { DEFAULT_TABS, knownTabs, matchRoute, navigate, normalisePath, routableHref, ROUTES, startRouter } from '../../src/router';
import { isPublic, matchScreen } from '../../src/screens';

describe('router', () => {
  it('has the five default tabs in order, and a path for every tab', () => {
    expect(DEFAULT_TABS.map((tab) => ROUTES[tab].path)).toEqual(['/', '/timetable', '/messages', '/help', '/more']);
    expect(ROUTES.directory.path).toBe('/directory');
    expect(ROUTES.services.path).toBe('/services');
  });

  it('keeps the tabs it knows, in their order', () => {
    expect(knownTabs(['home', 'wiki', 'directory', 'toString', 'more'])).toEqual(['home', 'directory', 'more']);
  });

  it('gives a section that is not a tab to the tab that leads there', () => {
    const teacher = ['home', 'timetable', 'messages', 'directory', 'more'] as const;
    expect(matchRoute('/directory', teacher)).toBe('directory');
    expect(matchRoute('/directory/0b4f6c1e-8a57-4e83-9d0e-2f4b7a1c9e05', teacher)).toBe('directory');
    expect(matchRoute('/directory/0b4f6c1e-8a57-4e83-9d0e-2f4b7a1c9e05')).toBe('more');
    expect(matchRoute('/help/42', teacher)).toBe('more');
    expect(matchRoute('/services')).toBe('home');
    expect(matchRoute('/services', ['home', 'services', 'more'])).toBe('services');
  });

  it('normalises paths', () => {
    expect(normalisePath('/')).toBe('/');
    expect(normalisePath('')).toBe('/');
    expect(normalisePath('/timetable/')).toBe('/timetable');
    expect(normalisePath('//messages//42')).toBe('/messages/42');
  });

  it('matches routes, sub-paths and unknown paths', () => {
    expect(matchRoute('/')).toBe('home');
    expect(matchRoute('/timetable')).toBe('timetable');
    expect(matchRoute('/timetable/')).toBe('timetable');
    expect(matchRoute('/messages/42')).toBe('messages');
    expect(matchRoute('/help')).toBe('help');
    expect(matchRoute('/more')).toBe('more');
    expect(matchRoute('/moreover')).toBe('not-found');
    expect(matchRoute('/does/not/exist')).toBe('not-found');
  });

  it('matches screens from the route table, with their parameters', () => {
    expect(matchScreen('/timetable/2026-12-03')).toEqual({ id: 'timetable' });
    expect(matchScreen('/more/security/')).toEqual({ id: 'security' });
    expect(matchScreen('/more/security/phone')).toEqual({ id: 'security-phone' });
    expect(matchScreen('/more/security/nope')).toEqual({ id: 'not-found' });
    expect(matchScreen('/more/secretariat/p-42')).toEqual({ id: 'secretariat-person', personId: 'p-42' });
    expect(matchScreen('/recovery/abcdefgh12')).toEqual({ id: 'recovery-link', token: 'abcdefgh12' });
    expect(matchScreen('/recovery/short')).toEqual({ id: 'not-found' });
    expect(matchScreen('/more/elsewhere')).toEqual({ id: 'not-found' });
    expect(matchScreen('/moreover')).toEqual({ id: 'not-found' });
    expect(isPublic('login')).toBe(true);
    expect(isPublic('secretariat')).toBe(false);
    expect(isPublic('not-found')).toBe(false);
  });

  it('navigates with the history API', () => {
    navigate('/messages');
    expect(location.pathname).toBe('/messages');
    navigate('/help', { replace: true });
    expect(location.pathname).toBe('/help');
  });

  it('intercepts plain same-origin link clicks only', () => {
    const stop = startRouter();
    const make = (href: string, attrs: Record<string, string> = {}) => {
      const a = document.createElement('a');
      a.href = href;
      for (const [k, v] of Object.entries(attrs)) a.setAttribute(k, v);
      a.textContent = 'link';
      document.body.append(a);
      return a;
    };
    navigate('/', { replace: true });
    make('/timetable').click();
    expect(location.pathname).toBe('/timetable');

    const origin = location.origin;
    const click = (a: HTMLAnchorElement, init: MouseEventInit = {}) => {
      const event = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0, ...init });
      Object.defineProperty(event, 'target', { value: a });
      return routableHref(event, origin);
    };
    expect(click(make('/more'))).toBe('/more');
    expect(click(make('https://www.univ-tours.fr/'))).toBeNull();
    expect(click(make('/more', { target: '_blank' }))).toBeNull();
    expect(click(make('/api/config/public'))).toBeNull();
    expect(click(make('/cas/login'))).toBeNull();
    expect(click(make('/more'), { ctrlKey: true })).toBeNull();
    expect(click(make('/more', { download: '' }))).toBeNull();
    stop();
  });
});
