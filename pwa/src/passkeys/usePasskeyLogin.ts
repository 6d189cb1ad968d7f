import { useEffect, useRef, useState } from 'preact/hooks';
import { CANCELLED } from '../accounts/reauth';
import type { LoginOutcome } from '../api/accounts';
import type { Failure } from '../api/problems';
import { signInWithPasskey } from './ceremonies';
import { conditionalMediationAvailable, passkeysSupported } from './webauthn';

/** How long « Demande de clé d’accès annulée. » stays. */
const CANCELLED_FOR_MS = 4000;

/**
 * The login screen's passkeys: the button (`signIn`, a modal prompt) and, where the browser
 * offers passkeys in the identifier field's autofill, a conditional request waiting from the
 * start. That request is aborted while the button's or the password's sign-in runs (`pause`,
 * then `resume` when it failed) and made again after a passkey chosen there was refused.
 * `remember` is read when the passkey comes back, so « Rester connecté » is as ticked then.
 */
export function usePasskeyLogin({
  remember,
  onSignedIn,
  onFailure,
  active = true,
}: {
  remember: boolean;
  onSignedIn: (outcome: LoginOutcome) => void;
  onFailure: (failure: Failure | null) => void;
  /** False once signed in (a service's continuation is shown): no conditional request waits then. */
  active?: boolean;
}) {
  const supported = passkeysSupported();
  const remembered = useRef(remember);
  remembered.current = remember;
  // The screen's latest callbacks, for a request that started renders ago.
  const handlers = useRef({ onSignedIn, onFailure });
  handlers.current = { onSignedIn, onFailure };
  const [conditional, setConditional] = useState(false);
  const [paused, setPaused] = useState(false);
  const [busy, setBusy] = useState(false);
  const [cancelled, setCancelled] = useState(false);
  // Each round is one conditional request.
  const [round, setRound] = useState(0);
  const waiting = useRef<AbortController | null>(null);

  useEffect(() => {
    let shown = true;
    void conditionalMediationAvailable().then((available) => shown && setConditional(available));
    return () => {
      shown = false;
    };
  }, []);

  useEffect(() => {
    // The browser takes one request at a time: a waiting one would block the password prompt's.
    if (!conditional || paused || busy || !active) return undefined;
    const controller = new AbortController();
    waiting.current = controller;
    void signInWithPasskey('conditional', () => remembered.current, controller.signal).then((outcome) => {
      if (controller.signal.aborted) return;
      if (outcome.ok) handlers.current.onSignedIn(outcome.data);
      else if (outcome.failure !== CANCELLED) {
        handlers.current.onFailure(outcome.failure);
        setRound((n) => n + 1);
      }
    });
    return () => controller.abort();
  }, [conditional, paused, busy, round, active]);

  useEffect(() => {
    if (!cancelled) return undefined;
    const timer = setTimeout(() => setCancelled(false), CANCELLED_FOR_MS);
    return () => clearTimeout(timer);
  }, [cancelled]);

  const signIn = async () => {
    if (busy) return;
    // At once: the browser takes one request at a time.
    waiting.current?.abort();
    setBusy(true);
    setCancelled(false);
    onFailure(null);
    const outcome = await signInWithPasskey('modal', () => remembered.current);
    if (outcome.ok) return onSignedIn(outcome.data); // the screen goes: busy till then
    setBusy(false);
    if (outcome.failure === CANCELLED) setCancelled(true);
    else onFailure(outcome.failure);
  };

  return {
    /** Whether to offer the button. */
    supported,
    /** Whether the identifier field offers passkeys (`autocomplete="username webauthn"`). */
    conditional,
    busy,
    /** « Demande de clé d’accès annulée. », for a few seconds after the button's prompt was dismissed. */
    cancelled,
    signIn,
    /** The password form is used: the conditional request stops. */
    pause: () => {
      waiting.current?.abort();
      setPaused(true);
    },
    resume: () => setPaused(false),
  };
}
