// The accounts API: one function per call, each answering an Outcome so that
// screens never deal with exceptions. Types follow /api's OpenAPI document.
import { api, typed } from './client';
import type { PasskeyAnswer } from './passkeys';
import type { components } from './schema';

// ---- Types of the accounts API -------------------------------------------------------------
// Generated from the server's OpenAPI document where it already describes them.

type Schemas = components['schemas'];
export type Role = Schemas['Role'];
export type Me = Schemas['Me'];
export type LoginOutcome = Schemas['LoginOutcome'];
export type PasswordPolicy = Schemas['PasswordPolicy'];
export type PasswordRule = Schemas['Rule'];
export type PasswordCheck = Schemas['PasswordCheck'];
export type ActivationChallenge = Schemas['ActivationChallenge'];
export type ActivatedAccount = Schemas['ActivatedAccount'];
export type DeviceSession = Schemas['DeviceSession'];
export type SecurityEvent = Schemas['SecurityEvent'];
export type EventKind = Schemas['EventKind'];

export type TwoFactorEnrolment = Schemas['TwoFactorEnrolment'];
/** What can answer an account's second factor: `authenticator_app`, `passkey`, `recovery_code`. */
export type SecondFactorKind = Schemas['SecondFactorKind'];
/** A second factor given: a code typed (the app's or a recovery code), or a passkey's answer. */
export type SecondFactorAnswer = { code: string } | { passkey: PasskeyAnswer };
export type SuspensionReason = Schemas['SuspensionReason'];
export type AccountState = Schemas['AccountState'];
export type PersonAccount = Schemas['PersonAccount'];
export type PersonAccountDetail = Schemas['PersonAccountDetail'];

// ---- Calls -----------------------------------------------------------------------------------

const person = (person_id: string) => ({ path: { person_id } });

export const accounts = {
  // password policy
  policy: () => typed(() => api.GET('/password-policy')),
  checkPassword: (password: string, ticket?: string) =>
    typed(() => api.POST('/password-policy/check', { body: ticket ? { password, ticket } : { password } })),
  // activation
  startActivation: (number: string, birth_date: string) => typed(() => api.POST('/activation', { body: { number, birth_date } })),
  resendActivation: (challenge: string) => typed(() => api.POST('/activation/resend', { body: { challenge } })),
  verifyActivation: (challenge: string, code: string) =>
    typed(() => api.POST('/activation/verification', { body: { challenge, code } })),
  completeActivation: (ticket: string, password: string) =>
    typed(() => api.POST('/activation/completion', { body: { ticket, password } })),
  // session
  session: () => typed(() => api.GET('/session')),
  login: (identifier: string, password: string, remember: boolean) =>
    typed(() => api.POST('/session', { body: { identifier, password, remember } })),
  loginTwoFactor: (pending: string, answer: SecondFactorAnswer) => typed(() => api.POST('/session/two-factor', { body: { pending, ...answer } })),
  logout: () => typed(() => api.DELETE('/session')),
  reauthenticate: (password: string) => typed(() => api.POST('/session/reauthentication', { body: { password } })),
  // me
  sessions: () => typed(() => api.GET('/me/sessions')),
  revokeSessions: (password: string, session?: string) =>
    typed(() => api.POST('/me/sessions/revocation', { body: session ? { password, session } : { password } })),
  changePassword: (current_password: string, new_password: string, end_other_sessions: boolean) =>
    typed(() => api.PUT('/me/password', { body: { current_password, new_password, end_other_sessions } })),
  securityEvents: () => typed(() => api.GET('/me/security-events')),
  startPhoneVerification: () => typed(() => api.POST('/me/phone-verification')),
  confirmPhoneVerification: (challenge: string, code: string) =>
    typed(() => api.POST('/me/phone-verification/confirmation', { body: { challenge, code } })),
  enrolTwoFactor: () => typed(() => api.POST('/me/two-factor/enrolment')),
  confirmTwoFactor: (code: string) => typed(() => api.POST('/me/two-factor/confirmation', { body: { code } })),
  disableTwoFactor: () => typed(() => api.DELETE('/me/two-factor')),
  // recovery
  requestRecovery: (email: string) => typed(() => api.POST('/recovery', { body: { email } })),
  inspectRecovery: (token: string) => typed(() => api.POST('/recovery/inspection', { body: { token } })),
  completeRecovery: (token: string, password: string, second?: SecondFactorAnswer) =>
    typed(() => api.POST('/recovery/completion', { body: { token, password, ...second } })),
  // secretariat
  searchPeople: (q: string) => typed(() => api.GET('/secretariat/people', { params: { query: { q } } })),
  personAccount: (id: string) => typed(() => api.GET('/secretariat/people/{person_id}', { params: person(id) })),
  suspend: (id: string, reason: SuspensionReason, note: string) =>
    typed(() => api.POST('/secretariat/people/{person_id}/suspension', { params: person(id), body: { reason, note } })),
  reinstate: (id: string) => typed(() => api.DELETE('/secretariat/people/{person_id}/suspension', { params: person(id) })),
  close: (id: string) => typed(() => api.POST('/secretariat/people/{person_id}/closure', { params: person(id) })),
  inviteToActivate: (id: string) =>
    typed(() => api.POST('/secretariat/people/{person_id}/activation-invitation', { params: person(id) })),
  correctPhone: (id: string, phone: string) =>
    typed(() => api.PUT('/secretariat/people/{person_id}/phone', { params: person(id), body: { phone } })),
  endSessions: (id: string) => typed(() => api.POST('/secretariat/people/{person_id}/session-revocation', { params: person(id) })),
};
