import { useEffect, useState } from 'preact/hooks';
import { accounts } from '../api/accounts';
import type { Outcome } from '../api/client';
import type { Failure } from '../api/problems';
import { Dialog } from '../components/Dialog';
import { Button, PasswordField, ProblemAlert } from '../components/Form';
import { useI18n } from '../i18n';
import { store, useStore } from '../store';

/** The failure of a step the person cancelled: nothing to show. */
export const CANCELLED: Failure = { slug: 'cancelled', status: 0 };

/** The prompt's answer, while it is shown. */
const waiting = store<((confirmed: boolean) => void) | null>(null);

/** Show the password prompt; true once POST /api/session/reauthentication succeeded. */
export function askPassword(): Promise<boolean> {
  waiting.value?.(false);
  return new Promise((resolve) => waiting.set(resolve));
}

function answer(confirmed: boolean): void {
  const resolve = waiting.value;
  waiting.set(null);
  resolve?.(confirmed);
}

/**
 * Run a sensitive call; on 403 reauthentication-required, ask for the password, confirm it
 * with the server, and run the call again (once).
 */
export async function withReauth<T>(call: () => Promise<Outcome<T>>, ask: () => Promise<boolean> = askPassword): Promise<Outcome<T>> {
  const first = await call();
  if (first.ok || first.failure.slug !== 'reauthentication-required') return first;
  if (!(await ask())) return { ok: false, failure: CANCELLED };
  return call();
}

/** The passkey side, fetched when the prompt first opens (src/passkeys/reauth.ts). */
const passkeySide = () => import('../passkeys/reauth');

/**
 * The prompt itself, rendered once by the app: the password, or « Confirmer avec une clé
 * d’accès » when this browser can and the person has one.
 */
export function ReauthDialog() {
  const { t } = useI18n();
  const open = useStore(waiting) !== null;
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState<'password' | 'passkey' | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [withPasskey, setWithPasskey] = useState(false);
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => {
    setPassword('');
    setFailure(null);
    setWithPasskey(false);
    setDismissed(false);
    if (!open) return undefined;
    let shown = true;
    void passkeySide()
      .then((side) => side.canConfirmWithPasskey())
      .then((can) => shown && setWithPasskey(can), () => undefined);
    return () => {
      shown = false;
    };
  }, [open]);
  if (!open) return null;
  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy('password');
    setFailure(null);
    const outcome = await accounts.reauthenticate(password);
    setBusy(null);
    if (outcome.ok) answer(true);
    else setFailure(outcome.failure);
  };
  const confirmWithPasskey = async () => {
    if (busy) return;
    setBusy('passkey');
    setFailure(null);
    setDismissed(false);
    const outcome = await (await passkeySide()).reauthenticateWithPasskey();
    setBusy(null);
    if (outcome.ok) answer(true);
    else if (outcome.failure === CANCELLED) setDismissed(true);
    else {
      setFailure(outcome.failure);
      if (outcome.failure.slug === 'no-passkey') setWithPasskey(false);
    }
  };
  return (
    <Dialog title={t('reauth.title')} onCancel={() => answer(false)} testId="reauth-dialog">
      <form class="form" onSubmit={(e) => void submit(e)}>
        <p>{t('reauth.text')}</p>
        <PasswordField label={t('login.password')} name="password" autocomplete="current-password" value={password} onValue={setPassword} required />
        <ProblemAlert failure={failure} />
        {dismissed && (
          <p class="hint" role="status" data-testid="passkey-cancelled">
            {t('passkeys.cancelled')}
          </p>
        )}
        <Button busy={busy === 'password'} disabled={password === '' || busy === 'passkey'}>
          {t('common.confirm')}
        </Button>
        {withPasskey && (
          <Button type="button" variant="secondary" busy={busy === 'passkey'} disabled={busy === 'password'} onClick={() => void confirmWithPasskey()} testId="reauth-passkey">
            {t('reauth.passkey')}
          </Button>
        )}
        <Button type="button" variant="secondary" onClick={() => answer(false)}>
          {t('common.cancel')}
        </Button>
      </form>
    </Dialog>
  );
}
