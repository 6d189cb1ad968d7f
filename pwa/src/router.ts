import type { components } from './api/schema';
import type { MessageKey } from './i18n';
import { store, useStore } from './store';

/** A tab of the bottom navigation, as `GET /api/session` names them (`me.home.tabs`). */
export type Tab = components['schemas']['Tab'];

/** Where each tab leads, and its label. */
export const ROUTES = {
  home: { path: '/', label: 'nav.home' },
  timetable: { path: '/timetable', label: 'nav.timetable' },
  messages: { path: '/messages', label: 'nav.messages' },
  help: { path: '/help', label: 'nav.help' },
  directory: { path: '/directory', label: 'nav.directory' },
  services: { path: '/services', label: 'nav.services' },
  more: { path: '/more', label: 'nav.more' },
} as const satisfies Record<Tab, { path: string; label: MessageKey }>;

/** The tabs before the server says which (signed out, or offline with none kept). */
export const DEFAULT_TABS: readonly Tab[] = ['home', 'timetable', 'messages', 'help', 'more'];

/** The tabs this version knows, in their order (a newer server may name others: they are skipped). */
export const knownTabs = (tabs: readonly string[]): Tab[] => tabs.filter((tab): tab is Tab => Object.keys(ROUTES).includes(tab));

export type RouteId = Tab | 'not-found';

/** Normalise a pathname: no trailing slash (except "/"), no duplicate slashes. */
export function normalisePath(pathname: string): string {
  const clean = ('/' + pathname).replace(/\/{2,}/g, '/');
  return clean.length > 1 ? clean.replace(/\/+$/, '') || '/' : clean;
}

/** Whether `path` is `section` or below it (/messages/42 is in /messages). */
const within = (path: string, section: string) => path === section || path.startsWith(section + '/');

/**
 * Which tab a pathname belongs to among `tabs`: its own section's when it is a tab, else the tab
 * that leads there — « Tous les services » from the home page's card, the rest from « Plus ».
 */
export function matchRoute(pathname: string, tabs: readonly Tab[] = DEFAULT_TABS): RouteId {
  const path = normalisePath(pathname);
  if (path === '/') return 'home';
  const section = (Object.keys(ROUTES) as Tab[]).find((tab) => tab !== 'home' && within(path, ROUTES[tab].path));
  if (!section) return 'not-found';
  if (tabs.includes(section)) return section;
  return section === 'services' ? 'home' : 'more';
}

/** The query string's value for `name` in the current address. */
export function queryParam(name: string): string | null {
  if (typeof location === 'undefined') return null;
  return new URLSearchParams(location.search).get(name);
}

function currentPath(): string {
  return typeof location === 'undefined' ? '/' : normalisePath(location.pathname);
}

function currentSearch(): string {
  return typeof location === 'undefined' ? '' : location.search;
}

const path = store(currentPath());
const search = store(currentSearch());

function notify(): void {
  path.set(currentPath());
  search.set(currentSearch());
}

/** Go to a same-origin path with the History API. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === location.pathname + location.search && !options.replace) return;
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  notify();
  if (typeof window.scrollTo === 'function') window.scrollTo(0, 0);
}

/**
 * Decide whether a click on a link should be handled by the client router:
 * a plain left click on a same-origin link without target or download.
 */
export function routableHref(event: MouseEvent, origin: string): string | null {
  if (event.defaultPrevented || event.button !== 0) return null;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  const target = event.target as Element | null;
  const anchor = target?.closest?.('a');
  if (!anchor?.href || anchor.hasAttribute('download')) return null;
  if (anchor.target && anchor.target !== '_self') return null;
  if (anchor.getAttribute('rel')?.includes('external')) return null;
  const url = new URL(anchor.href, origin);
  if (url.origin !== origin) return null;
  // Server-side areas are never handled in the page.
  if (/^\/(api|cas)(\/|$)/.test(url.pathname)) return null;
  return url.pathname + url.search + url.hash;
}

/** Install the document-wide link interception and popstate listener (once, at start-up). */
export function startRouter(): () => void {
  const onClick = (event: MouseEvent) => {
    const href = routableHref(event, location.origin);
    if (href === null) return;
    event.preventDefault();
    navigate(href);
  };
  const onPop = () => notify();
  document.addEventListener('click', onClick);
  window.addEventListener('popstate', onPop);
  return () => {
    document.removeEventListener('click', onClick);
    window.removeEventListener('popstate', onPop);
  };
}

/** Hook: the current normalised pathname, updated on navigation. */
export function usePath(): string {
  return useStore(path);
}

/** Hook: the current query string (`?day=2026-12-03`), updated on navigation, even on the same path. */
export function useSearch(): string {
  return useStore(search);
}
