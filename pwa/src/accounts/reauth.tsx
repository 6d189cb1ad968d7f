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

/** The prompt itself, rendered once by the app. */
export function ReauthDialog() {
  const { t } = useI18n();
  const open = useStore(waiting) !== null;
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  useEffect(() => {
    setPassword('');
    setFailure(null);
  }, [open]);
  if (!open) return null;
  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFailure(null);
    const outcome = await accounts.reauthenticate(password);
    setBusy(false);
    if (outcome.ok) answer(true);
    else setFailure(outcome.failure);
  };
  return (
    <Dialog title={t('reauth.title')} onCancel={() => answer(false)} testId="reauth-dialog">
      <form class="form" onSubmit={(e) => void submit(e)}>
        <p>{t('reauth.text')}</p>
        <PasswordField label={t('login.password')} name="password" autocomplete="current-password" value={password} onValue={setPassword} required />
        <ProblemAlert failure={failure} />
        <Button busy={busy} disabled={password === ''}>
          {t('common.confirm')}
        </Button>
        <Button type="button" variant="secondary" onClick={() => answer(false)}>
          {t('common.cancel')}
        </Button>
      </form>
    </Dialog>
  );
}
