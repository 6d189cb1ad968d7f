// The accounts API (issue 3): one function per call, each answering an Outcome so that
// screens never deal with exceptions. Types follow /api's OpenAPI document.
import type { Client } from 'openapi-fetch';
import { api } from './client';
import type { components } from './schema';
import { NETWORK_FAILURE, toFailure, type Failure } from './problems';

export type Outcome<T> = { ok: true; data: T } | { ok: false; failure: Failure };

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

// Not in the document yet (two-factor, recovery, secretariat): written from the contract.
export interface TwoFactorEnrolment {
  otpauth_uri: string;
  secret: string;
  qr_png_base64: string;
}
export type SuspensionReason = 'unpaid_fees' | 'disciplinary' | 'security' | 'identity_check' | 'other';
export type AccountState = 'pending' | 'active' | 'suspended' | 'closed';
export interface PersonAccount {
  person_id: string;
  number: string;
  family_name: string;
  given_name: string;
  role: Role;
  institutional_email?: string | null;
  mobile_phone?: string | null;
  enrolment: 'enrolled' | 'former';
  account_state: AccountState;
  suspension_reason?: SuspensionReason | null;
  suspension_note?: string | null;
  two_factor_enabled: boolean;
}
export interface PersonAccountDetail {
  account: PersonAccount;
  active_sessions: number;
  events: SecurityEvent[];
}

// ---- Calls -----------------------------------------------------------------------------------

// Paths the generated document does not describe yet are reached through the same client (and
// so the same CSRF middleware) with this untyped view of it; each moves to `typed` once the
// server's document has it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const untyped = api as unknown as Client<any>;

interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** Run a call: data on success (undefined for 204), a Failure otherwise, never a throw. */
export async function run<T>(call: () => Promise<Answer>): Promise<Outcome<T>> {
  let answer: Answer;
  try {
    answer = await call();
  } catch {
    return { ok: false, failure: NETWORK_FAILURE };
  }
  if (answer.response.ok) return { ok: true, data: answer.data as T };
  return { ok: false, failure: toFailure(answer.error, answer.response) };
}

/** The success type of a typed openapi-fetch call (void for 204). */
type Success<A> = Extract<A, { error?: never }> extends { data?: infer D } ? NonNullable<D> : never;
type DataOf<A> = [Success<A>] extends [never] ? void : Success<A>;

/** Run a call typed by the generated document. */
const typed = <A extends Answer>(call: () => Promise<A>) => run<DataOf<A>>(call);

const post = <T>(path: string, body?: unknown, params?: Record<string, unknown>) =>
  run<T>(() => untyped.POST(path, { body, params }));
const get = <T>(path: string, params?: Record<string, unknown>) =>
  run<T>(() => untyped.GET(path, { params }));
const put = <T>(path: string, body: unknown, params?: Record<string, unknown>) =>
  run<T>(() => untyped.PUT(path, { body, params }));
const del = <T>(path: string, params?: Record<string, unknown>) =>
  run<T>(() => untyped.DELETE(path, { params }));

const person = (id: string) => ({ path: { person_id: id } });

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
  loginTwoFactor: (pending: string, code: string) => post<LoginOutcome>('/session/two-factor', { pending, code }),
  logout: () => typed(() => api.DELETE('/session')),
  reauthenticate: (password: string) => typed(() => api.POST('/session/reauthentication', { body: { password } })),
  // me
  sessions: () => typed(() => api.GET('/me/sessions')),
  revokeSessions: (password: string, session?: string) =>
    typed(() => api.POST('/me/sessions/revocation', { body: session ? { password, session } : { password } })),
  changePassword: (current_password: string, new_password: string, end_other_sessions: boolean) =>
    put<void>('/me/password', { current_password, new_password, end_other_sessions }),
  securityEvents: () => typed(() => api.GET('/me/security-events')),
  enrolTwoFactor: () => post<TwoFactorEnrolment>('/me/two-factor/enrolment'),
  confirmTwoFactor: (code: string) => post<{ recovery_codes: string[] }>('/me/two-factor/confirmation', { code }),
  disableTwoFactor: () => del<void>('/me/two-factor'),
  // recovery
  requestRecovery: (email: string) => post<void>('/recovery', { email }),
  inspectRecovery: (token: string) => post<{ two_factor_required: boolean }>('/recovery/inspection', { token }),
  completeRecovery: (token: string, password: string, code?: string) =>
    post<void>('/recovery/completion', code ? { token, password, code } : { token, password }),
  // secretariat
  searchPeople: (q: string) => get<PersonAccount[]>('/secretariat/people', { query: { q } }),
  personAccount: (id: string) => get<PersonAccountDetail>('/secretariat/people/{person_id}', person(id)),
  suspend: (id: string, reason: SuspensionReason, note: string) =>
    post<void>('/secretariat/people/{person_id}/suspension', { reason, note }, person(id)),
  reinstate: (id: string) => del<void>('/secretariat/people/{person_id}/suspension', person(id)),
  close: (id: string) => post<void>('/secretariat/people/{person_id}/closure', undefined, person(id)),
  inviteToActivate: (id: string) => post<void>('/secretariat/people/{person_id}/activation-invitation', undefined, person(id)),
  correctPhone: (id: string, phone: string) => put<void>('/secretariat/people/{person_id}/phone', { phone }, person(id)),
  endSessions: (id: string) => post<void>('/secretariat/people/{person_id}/session-revocation', undefined, person(id)),
};
