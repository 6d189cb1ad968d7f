// The single sign-on login request: `/cas/login` sends the browser to `/login?cas=LR-…` when a
// service asks for the person (signed out, or with `renew`). Part of the app's first chunk: the
// shell must not send a signed-in person from such a login page to the home page.
import { queryParam } from './router';

/** `LR-` and hex, as the server writes them (at most 100 characters, its limit). */
const LOGIN_REQUEST = /^LR-[0-9A-Fa-f]{16,97}$/;

/** The login request of the current address, or null (none, or not one the server could have written). */
export function casRequest(): string | null {
  const value = queryParam('cas');
  return value !== null && LOGIN_REQUEST.test(value) ? value : null;
}

/**
 * Whether `location` (the server's answer to the continuation) is an address to navigate to:
 * http(s) only, never `javascript:` or `data:`.
 */
export function isNavigable(location: unknown): location is string {
  if (typeof location !== 'string' || location === '') return false;
  try {
    const url = new URL(location, globalThis.location?.origin ?? 'http://localhost');
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The plain navigation to a service (an object so that the unit tests can watch it). */
export const toService = {
  go(address: string): void {
    location.assign(address);
  },
};
