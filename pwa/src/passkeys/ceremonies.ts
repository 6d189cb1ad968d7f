// The two ceremonies with the browser's authenticator: adding a passkey (Sécurité) and signing
// in with one (the login screen). Each answers an Outcome, like the API calls around it.
import { CANCELLED, withReauth } from '../accounts/reauth';
import type { LoginOutcome } from '../api/accounts';
import type { Outcome } from '../api/client';
import { passkeys, type Ceremony, type Passkey, type PasskeyAnswer } from '../api/passkeys';
import type { Failure } from '../api/problems';
import { creationOptions, credentialJson, requestOptions } from './webauthn';

const failed = (failure: Failure): { ok: false; failure: Failure } => ({ ok: false, failure });

/**
 * What the browser's refusal means for the person: NotAllowedError (the prompt dismissed or
 * timed out) and AbortError are a cancellation, which says nothing; an authenticator that
 * already holds one of the person's passkeys (`excludeCredentials`) is InvalidStateError.
 */
function refusal(error: unknown, otherwise: 'passkey-not-created' | 'passkey-not-used' | 'passkey-not-confirmed'): Failure {
  const name = typeof error === 'object' && error !== null && 'name' in error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'AbortError') return CANCELLED;
  if (name === 'InvalidStateError' && otherwise === 'passkey-not-created') return { slug: 'passkey-exists-here', status: 0 };
  return { slug: otherwise, status: 0 };
}

/** The `publicKey` member of a ceremony's options (`{publicKey, mediation?}`). */
const publicKeyOf = (ceremony: Ceremony): unknown =>
  typeof ceremony.options === 'object' && ceremony.options !== null ? (ceremony.options as { publicKey?: unknown }).publicKey : undefined;

/**
 * Add a passkey named `name`: the ceremony (after the password prompt when the server wants a
 * recent password), the browser's `create()`, then the answer; the new passkey.
 */
export async function addPasskey(name: string): Promise<Outcome<Passkey>> {
  const started = await withReauth(passkeys.startRegistration);
  if (!started.ok) return started;
  let credential: Credential | null;
  try {
    credential = await navigator.credentials.create({ publicKey: creationOptions(publicKeyOf(started.data)) });
  } catch (error) {
    return failed(refusal(error, 'passkey-not-created'));
  }
  if (!credential) return failed({ slug: 'passkey-not-created', status: 0 });
  return passkeys.add(started.data.ceremony, credentialJson(credential as PublicKeyCredential), name.trim());
}

/**
 * `modal`: the browser's own prompt (a button). `conditional`: the passkeys offered in the
 * identifier field's autofill, until `signal` aborts.
 */
export type Mediation = 'modal' | 'conditional';

/**
 * Sign in with a passkey: the ceremony, the browser's `get()`, then the answer with « Rester
 * connecté » as it is by then (`remember()`). A ceremony that expired meanwhile (5 minutes) is
 * started again once, silently. In `conditional` mediation, whatever fails before a passkey was
 * chosen is CANCELLED: the person did nothing (no ceremony to be had, the request ended).
 */
export async function signInWithPasskey(mediation: Mediation, remember: () => boolean, signal?: AbortSignal): Promise<Outcome<LoginOutcome>> {
  const attempt = async (again: boolean): Promise<Outcome<LoginOutcome>> => {
    const started = await passkeys.startLogin();
    if (!started.ok) return mediation === 'conditional' ? failed(CANCELLED) : started;
    let credential: Credential | null;
    try {
      const publicKey = requestOptions(publicKeyOf(started.data));
      credential = await navigator.credentials.get(mediation === 'conditional' ? { publicKey, mediation, signal } : { publicKey, signal });
    } catch (error) {
      return failed(mediation === 'conditional' ? CANCELLED : refusal(error, 'passkey-not-used'));
    }
    // Aborted once the passkey was chosen (the password form was used meanwhile): not sent.
    if (signal?.aborted) return failed(CANCELLED);
    if (!credential) return failed(mediation === 'conditional' ? CANCELLED : { slug: 'passkey-not-used', status: 0 });
    const answer = await passkeys.login(started.data.ceremony, credentialJson(credential as PublicKeyCredential), remember());
    if (!answer.ok && answer.failure.slug === 'passkey-ceremony-expired' && again) return attempt(false);
    return answer;
  };
  return attempt(true);
}

/**
 * Confirm it is the person with one of their passkeys — the login's second factor, a recovery
 * link, the password prompt: `start` the ceremony made for them, the browser's prompt, then
 * `finish` with the answer. A ceremony that expired meanwhile is started again once; a dismissed
 * prompt is CANCELLED.
 */
export async function confirmWithPasskey<T>(
  start: () => Promise<Outcome<Ceremony>>,
  finish: (answer: PasskeyAnswer) => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  const attempt = async (again: boolean): Promise<Outcome<T>> => {
    const started = await start();
    if (!started.ok) return started;
    let credential: Credential | null;
    try {
      credential = await navigator.credentials.get({ publicKey: requestOptions(publicKeyOf(started.data)) });
    } catch (error) {
      return failed(refusal(error, 'passkey-not-confirmed'));
    }
    if (!credential) return failed({ slug: 'passkey-not-confirmed', status: 0 });
    const answer = await finish({ ceremony: started.data.ceremony, credential: credentialJson(credential as PublicKeyCredential) });
    if (!answer.ok && answer.failure.slug === 'passkey-ceremony-expired' && again) return attempt(false);
    return answer;
  };
  return attempt(true);
}
