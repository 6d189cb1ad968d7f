// The passkeys API (« Clés d'accès »): one's own passkeys in Sécurité, and signing in with one.
// Each call answers an Outcome; the ceremonies around them are in src/passkeys/ceremonies.ts.
import { api, typed } from './client';
import type { components } from './schema';

export type Passkey = components['schemas']['PasskeyView'];
/** A ceremony started: its name for the answer, and the options for `navigator.credentials`. */
export type Ceremony = components['schemas']['Ceremony'];
/** A passkey's answer to a ceremony started for a known person: the second factor, a recovery link, the password prompt. */
export type PasskeyAnswer = components['schemas']['PasskeyAnswer'];

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
  /** For the login waiting for its second factor (`pending`); answered in POST /api/session/two-factor. 409 no-passkey without any. */
  startSecondFactor: (pending: string) => typed(() => api.POST('/session/two-factor/passkey-challenge', { body: { pending } })),
  /** For the person a recovery link names; answered in POST /api/recovery/completion. */
  startRecovery: (token: string) => typed(() => api.POST('/recovery/passkey-challenge', { body: { token } })),
  /** Instead of the password, before a sensitive setting. */
  startReauthentication: () => typed(() => api.POST('/session/reauthentication/passkey-challenge')),
  reauthenticate: (answer: PasskeyAnswer) => typed(() => api.POST('/session/reauthentication/passkey', { body: answer })),
  /** Two-factor with passkeys alone (a recent password; 409 two-factor-already-on, passkey-needed): the recovery codes, once. */
  enableTwoFactor: () => typed(() => api.POST('/me/two-factor/passkeys')),
};
