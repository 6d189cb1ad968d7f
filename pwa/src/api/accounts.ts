// The accounts API (issue 3): one function per call, each answering an Outcome so that
// screens never deal with exceptions. Types follow /api's OpenAPI document.
import type { Client } from 'openapi-fetch';
import { api } from './client';
import { NETWORK_FAILURE, toFailure, type Failure } from './problems';

export type Outcome<T> = { ok: true; data: T } | { ok: false; failure: Failure };

// ---- Types of the accounts API -------------------------------------------------------------

export type Role = 'student' | 'teacher' | 'staff';
export interface Me {
  person_id: string;
  identifier: string;
  given_name: string;
  family_name: string;
  role: Role;
  institutional_email?: string | null;
  permissions: string[];
  two_factor_enabled: boolean;
  csrf_token: string;
}
export interface LoginOutcome {
  status: 'signed_in' | 'two_factor_required';
  me?: Me | null;
  pending?: string | null;
}
export interface PasswordPolicy {
  min_length: number;
  max_length: number;
  require_upper_case: boolean;
  require_letters_and_digits: boolean;
  require_special: boolean;
  min_strength: number;
}
export type PasswordRule =
  | 'min_length'
  | 'max_length'
  | 'letters_and_digits'
  | 'upper_case'
  | 'special'
  | 'personal_information'
  | 'common'
  | 'strength';
export interface PasswordCheck {
  rules: { rule: PasswordRule; ok: boolean }[];
  acceptable: boolean;
}
export interface ActivationChallenge {
  challenge: string;
  masked_phone: string;
  resend_in: number;
  expires_in: number;
}
export interface ActivatedAccount {
  identifier: string;
  institutional_email: string;
}
export interface DeviceSession {
  id: string;
  device: string;
  browser: string;
  ip: string;
  first_seen_at: string;
  last_seen_at: string;
  current: boolean;
  remembered: boolean;
}
export interface SecurityEvent {
  at: string;
  kind: string;
  success: boolean;
  ip?: string | null;
  device?: string | null;
}
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

// The accounts paths are reached through the same client (and so the same CSRF middleware);
// the generated document does not describe them yet, hence this untyped view of it.
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
  policy: () => get<PasswordPolicy>('/password-policy'),
  checkPassword: (password: string, ticket?: string) =>
    post<PasswordCheck>('/password-policy/check', ticket ? { password, ticket } : { password }),
  // activation
  startActivation: (number: string, birth_date: string) => post<ActivationChallenge>('/activation', { number, birth_date }),
  resendActivation: (challenge: string) => post<ActivationChallenge>('/activation/resend', { challenge }),
  verifyActivation: (challenge: string, code: string) =>
    post<{ ticket: string }>('/activation/verification', { challenge, code }),
  completeActivation: (ticket: string, password: string) =>
    post<ActivatedAccount>('/activation/completion', { ticket, password }),
  // session
  session: () => get<Me>('/session'),
  login: (identifier: string, password: string, remember: boolean) =>
    post<LoginOutcome>('/session', { identifier, password, remember }),
  loginTwoFactor: (pending: string, code: string) => post<LoginOutcome>('/session/two-factor', { pending, code }),
  logout: () => del<void>('/session'),
  reauthenticate: (password: string) => post<void>('/session/reauthentication', { password }),
  // me
  sessions: () => get<DeviceSession[]>('/me/sessions'),
  revokeSessions: (password: string, session?: string) =>
    post<void>('/me/sessions/revocation', session ? { password, session } : { password }),
  changePassword: (current_password: string, new_password: string, end_other_sessions: boolean) =>
    put<void>('/me/password', { current_password, new_password, end_other_sessions }),
  securityEvents: () => get<SecurityEvent[]>('/me/security-events'),
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
