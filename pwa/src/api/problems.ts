import type { MessageKey } from '../i18n';

/** The `type` of every problem the server answers: `urn:ent-mobile:problem:<slug>`. */
export const PROBLEM_PREFIX = 'urn:ent-mobile:problem:';

/**
 * A failed call, reduced to what the interface needs. `slug` is the end of the problem's
 * `type`; `network` when the server could not be reached, `unknown` when the answer was not
 * a problem document.
 */
export interface Failure {
  slug: string;
  status: number;
  title?: string;
  detail?: string;
  /** Seconds to wait, from the Retry-After header (429 and 503 answers). */
  retryAfter?: number;
}

/** Seconds from a Retry-After value: delta-seconds or an HTTP date; undefined when absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

/** Read an error body (already parsed by openapi-fetch, or raw text) and the response headers. */
export function toFailure(body: unknown, response: Pick<Response, 'status' | 'headers'>): Failure {
  const doc = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const type = text(doc.type);
  const slug = type?.startsWith(PROBLEM_PREFIX) ? type.slice(PROBLEM_PREFIX.length) : 'unknown';
  const failure: Failure = { slug, status: response.status };
  const title = text(doc.title);
  const detail = text(doc.detail);
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  if (title) failure.title = title;
  if (detail) failure.detail = detail;
  if (retryAfter !== undefined) failure.retryAfter = retryAfter;
  return failure;
}

export const NETWORK_FAILURE: Failure = { slug: 'network', status: 0 };

/** Our own text for each problem the server documents; anything else shows the server's title. */
export const PROBLEM_MESSAGES: Record<string, MessageKey> = {
  network: 'problem.network',
  'login-failed': 'problem.loginFailed',
  'account-pending-activation': 'problem.accountPending',
  'account-suspended': 'problem.accountSuspended',
  'account-closed': 'problem.accountClosed',
  'account-locked': 'problem.accountLocked',
  'too-many-requests': 'problem.tooManyRequests',
  'activation-no-phone': 'problem.activationNoPhone',
  'code-incorrect': 'problem.codeIncorrect',
  'code-expired': 'problem.codeExpired',
  'ticket-expired': 'problem.ticketExpired',
  'link-expired': 'problem.linkExpired',
  'password-rejected': 'problem.passwordRejected',
  'password-incorrect': 'problem.passwordIncorrect',
  'not-signed-in': 'problem.notSignedIn',
  'reauthentication-required': 'problem.reauthenticationRequired',
  'csrf-token-missing': 'problem.csrf',
  'invalid-phone': 'problem.invalidPhone',
  'not-found': 'problem.notFound',
  'invalid-body': 'problem.invalid',
  'invalid-parameter': 'problem.invalid',
  'bad-request': 'problem.invalid',
  'payload-too-large': 'problem.invalid',
  'service-unavailable': 'problem.unavailable',
  'invalid-subscription': 'problem.invalidSubscription',
  'invalid-preferences': 'problem.invalidPreferences',
  'invalid-period': 'problem.invalidPeriod',
  'ends-before-start': 'problem.endsBeforeStart',
  'invalid-rooms': 'problem.invalidRooms',
  'nothing-to-change': 'problem.nothingToChange',
  'invalid-help-request': 'problem.invalidHelpRequest',
  'help-request-closed': 'problem.helpRequestClosed',
  'help-request-resolved': 'problem.helpRequestResolved',
  'help-request-reopen-expired': 'problem.helpReopenExpired',
  'invalid-email': 'problem.invalidEmail',
  'messaging-not-allowed': 'problem.messagingNotAllowed',
  'messaging-blocked': 'problem.messagingBlocked',
  'cas-login-request-expired': 'problem.casLoginRequestExpired',
  'service-forbidden': 'problem.serviceForbidden',
  'account-inactive': 'problem.accountInactive',
  'phone-verification-required': 'problem.phoneVerificationRequired',
  // Local to this device (src/push/device.ts): the browser's answers, not the server's.
  'push-unsupported': 'problem.pushUnsupported',
  'push-denied': 'problem.pushDenied',
  'push-dismissed': 'problem.pushDismissed',
  'push-failed': 'problem.pushFailed',
  'push-not-subscribed': 'problem.pushNotSubscribed',
  // Local to the secretariat's card photo (src/pages/Secretariat.tsx): checked before sending, or a 413.
  'card-photo-type': 'secretariat.photoType',
  'card-photo-too-large': 'secretariat.photoTooLarge',
  // Passkeys (« Clés d’accès », api/passkeys): the service's problems…
  'passkey-ceremony-expired': 'problem.passkeyCeremonyExpired',
  'passkey-refused': 'problem.passkeyRefused',
  'passkey-unknown': 'problem.passkeyUnknown',
  'passkey-possibly-cloned': 'problem.passkeyPossiblyCloned',
  'passkey-name-missing': 'problem.passkeyNameMissing',
  'passkey-already-added': 'problem.passkeyAlreadyAdded',
  'passkey-last-second-factor': 'problem.passkeyLastSecondFactor',
  'passkey-needed': 'problem.passkeyNeeded',
  'no-passkey': 'problem.noPasskey',
  'two-factor-already-on': 'problem.twoFactorAlreadyOn',
  // … and, local to src/passkeys/ceremonies.ts, the browser's refusals.
  'passkey-exists-here': 'problem.passkeyExistsHere',
  'passkey-not-created': 'problem.passkeyNotCreated',
  'passkey-not-used': 'problem.passkeyNotUsed',
  'passkey-not-confirmed': 'problem.passkeyNotConfirmed',
  internal: 'problem.internal',
};

/** A wait such as « 4 min 30 s » or « 45 s » (French and English share the units). */
export function formatWait(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return rest > 0 ? `${m} min ${rest} s` : `${m} min`;
}

type Translate = (key: MessageKey, params?: Record<string, string>) => string;

/**
 * The sentence shown for a failure: our translation of its slug (with the wait when there is
 * one), else the server's translated title, else a generic text with the status.
 */
export function problemMessage(failure: Failure, t: Translate): string {
  const key = PROBLEM_MESSAGES[failure.slug];
  const wait = failure.retryAfter !== undefined ? formatWait(failure.retryAfter) : undefined;
  if (key) {
    if ((failure.slug === 'too-many-requests' || failure.slug === 'account-locked') && wait) {
      return t(failure.slug === 'account-locked' ? 'problem.accountLockedFor' : 'problem.tooManyRequestsFor', { wait });
    }
    return t(key);
  }
  if (failure.title) return failure.title;
  if (wait) return t('problem.tooManyRequestsFor', { wait });
  return t('problem.generic', { status: String(failure.status) });
}
