// The passkeys API (« Clés d'accès »): one's own passkeys in Sécurité, and signing in with one.
// Each call answers an Outcome; the ceremonies around them are in src/passkeys/ceremonies.ts.
import { api, typed } from './client';
import type { components } from './schema';

export type Passkey = components['schemas']['PasskeyView'];
/** A ceremony started: its name for the answer, and the options for `navigator.credentials`. */
export type Ceremony = components['schemas']['Ceremony'];

const one = (id: string) => ({ params: { path: { id } } });

export const passkeys = {
  list: () => typed(() => api.GET('/me/passkeys')),
  /** Needs the password typed in the last 10 minutes (403 reauthentication-required). */
  startRegistration: () => typed(() => api.POST('/me/passkeys/registration')),
  add: (ceremony: string, credential: unknown, name: string) =>
    typed(() => api.POST('/me/passkeys', { body: { ceremony, credential, name } })),
  rename: (id: string, name: string) => typed(() => api.PATCH('/me/passkeys/{id}', { ...one(id), body: { name } })),
  /** Needs the recent password too. */
  remove: (id: string) => typed(() => api.DELETE('/me/passkeys/{id}', one(id))),
  startLogin: () => typed(() => api.POST('/session/passkey/challenge')),
  login: (ceremony: string, credential: unknown, remember: boolean) =>
    typed(() => api.POST('/session/passkey', { body: { ceremony, credential, remember } })),
};
