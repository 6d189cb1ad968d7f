import type { MessageKey } from './i18n';
import { store, useStore } from './store';

/** The routes of the shell, in bottom-navigation order. */
export const ROUTES = [
  { path: '/', id: 'home', label: 'nav.home' },
  { path: '/timetable', id: 'timetable', label: 'nav.timetable' },
  { path: '/messages', id: 'messages', label: 'nav.messages' },
  { path: '/help', id: 'help', label: 'nav.help' },
  { path: '/more', id: 'more', label: 'nav.more' },
] as const satisfies readonly { path: string; id: string; label: MessageKey }[];

export type RouteId = (typeof ROUTES)[number]['id'] | 'not-found';

/** Normalise a pathname: no trailing slash (except "/"), no duplicate slashes. */
export function normalisePath(pathname: string): string {
  const clean = ('/' + pathname).replace(/\/{2,}/g, '/');
  return clean.length > 1 ? clean.replace(/\/+$/, '') || '/' : clean;
}

/** Which route a pathname belongs to: exact match, or a sub-path of a section (e.g. /messages/42). */
export function matchRoute(pathname: string): RouteId {
  const path = normalisePath(pathname);
  // « Tous les services » is reached from the home page's first card.
  if (path === '/' || path === '/services') return 'home';
  // The staff directory is reached from « Plus ».
  if (path === '/directory' || path.startsWith('/directory/')) return 'more';
  for (const route of ROUTES) {
    if (route.path !== '/' && (path === route.path || path.startsWith(route.path + '/'))) return route.id;
  }
  return 'not-found';
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
