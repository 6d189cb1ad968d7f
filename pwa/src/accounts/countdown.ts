import { useEffect, useState } from 'preact/hooks';

/** Whole seconds left until `until` (a Date.now() value), never negative. */
export function secondsLeft(until: number, now: number = Date.now()): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/**
 * Hook: seconds left until `until`, ticking every second while above zero. Computed at each
 * render rather than kept in state, so the render that sets a new `until` already counts it
 * down (a stale 0 would flash the re-send button enabled).
 */
export function useCountdown(until: number): number {
  const [, tick] = useState(0);
  useEffect(() => {
    if (secondsLeft(until) === 0) return undefined;
    const timer = setInterval(() => {
      tick((n) => n + 1);
      if (secondsLeft(until) === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [until]);
  return secondsLeft(until);
}

/** Ask the browser for the code of an incoming SMS (WebOTP), when it can; aborted by `signal`. */
export function receiveSmsCode(signal: AbortSignal): Promise<string | null> {
  if (typeof window === 'undefined' || !('OTPCredential' in window) || !navigator.credentials) return Promise.resolve(null);
  const options = { otp: { transport: ['sms'] }, signal } as CredentialRequestOptions;
  return navigator.credentials
    .get(options)
    .then((credential) => (credential as { code?: string } | null)?.code ?? null)
    .catch(() => null);
}
