import { useEffect, useState } from 'preact/hooks';
import { CANCELLED } from '../accounts/reauth';
import { accounts, type SecondFactorAnswer, type SecondFactorKind } from '../api/accounts';
import { passkeys } from '../api/passkeys';
import type { Failure } from '../api/problems';
import { NewPasswordField, useNewPassword } from '../accounts/NewPassword';
import { TwoFactorCodeField } from '../accounts/TwoFactorCode';
import { Button, Field, Notice, ProblemAlert } from '../components/Form';
import { useI18n } from '../i18n';
import { confirmWithPasskey } from '../passkeys/ceremonies';
import { passkeysSupported } from '../passkeys/webauthn';

/** « Mot de passe oublié ? »: an e-mail address → always the same confirmation. */
export function RecoveryRequest() {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFailure(null);
    const outcome = await accounts.requestRecovery(email.trim());
    setBusy(false);
    // The server answers 202 whether the address exists or not; only a rate limit or a
    // network failure is worth telling.
    if (outcome.ok) setSent(true);
    else setFailure(outcome.failure);
  };

  if (sent) {
    return (
      <>
        <h1>{t('recovery.sentTitle')}</h1>
        <section class="card" data-testid="recovery-sent">
          <p>{t('recovery.sent')}</p>
          <a class="button button-block button-secondary" href="/login">
            {t('login.submit')}
          </a>
        </section>
      </>
    );
  }
  return (
    <>
      <h1>{t('recovery.title')}</h1>
      <p class="lead">{t('recovery.intro')}</p>
      <form class="card form" onSubmit={(e) => void submit(e)} data-testid="recovery-form">
        <Field
          label={t('recovery.email')}
          name="email"
          type="email"
          autocomplete="email"
          inputMode="email"
          autocapitalize="none"
          spellcheck={false}
          value={email}
          onValue={setEmail}
          required
        />
        <ProblemAlert failure={failure} />
        <Button busy={busy} testId="recovery-submit">
          {t('recovery.submit')}
        </Button>
      </form>
      <ul class="card link-list">
        <li>
          <a class="list-link" href="/login">
            {t('login.submit')}
          </a>
        </li>
        <li>
          <a class="list-link" href="/contacts">
            {t('login.assistance')}
          </a>
        </li>
      </ul>
    </>
  );
}

type LinkState =
  | { status: 'checking' }
  | { status: 'ready'; twoFactor: boolean; factors: SecondFactorKind[] }
  | { status: 'expired'; failure: Failure }
  | { status: 'done' };

/**
 * /recovery/<token>, from the e-mailed link: a new password (and, when two-factor is on, a code
 * or one of the person's passkeys: first when they have no authenticator app).
 */
export function RecoveryLink({ token }: { token: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<LinkState>({ status: 'checking' });
  const [inspectFailure, setInspectFailure] = useState<Failure | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState<'code' | 'passkey' | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [dismissed, setDismissed] = useState(false);
  const np = useNewPassword(token);

  const inspect = async () => {
    setInspectFailure(null);
    const outcome = await accounts.inspectRecovery(token);
    if (outcome.ok) setState({ status: 'ready', twoFactor: outcome.data.two_factor_required, factors: outcome.data.second_factors ?? [] });
    else if (outcome.failure.slug === 'link-expired' || outcome.failure.status === 410 || outcome.failure.status === 404)
      setState({ status: 'expired', failure: outcome.failure });
    else setInspectFailure(outcome.failure);
  };
  useEffect(() => {
    void inspect();
  }, [token]);

  const save = async (how: 'code' | 'passkey') => {
    if (busy || state.status !== 'ready' || !np.view.acceptable) return;
    setBusy(how);
    setFailure(null);
    setDismissed(false);
    const complete = (second?: SecondFactorAnswer) => accounts.completeRecovery(token, np.password, second);
    const outcome =
      how === 'passkey'
        ? await confirmWithPasskey(
            () => passkeys.startRecovery(token),
            (passkey) => complete({ passkey }),
          )
        : await complete(state.twoFactor ? { code: code.trim() } : undefined);
    setBusy(null);
    if (outcome.ok) setState({ status: 'done' });
    else if (outcome.failure === CANCELLED) setDismissed(true);
    else if (outcome.failure.slug === 'link-expired') setState({ status: 'expired', failure: outcome.failure });
    else {
      setFailure(outcome.failure);
      if (outcome.failure.slug === 'no-passkey') setState({ ...state, factors: state.factors.filter((f) => f !== 'passkey') });
    }
  };
  const submit = (event: Event) => {
    event.preventDefault();
    void save('code');
  };

  if (state.status === 'checking') {
    return (
      <>
        <h1>{t('recovery.linkTitle')}</h1>
        {inspectFailure ? (
          <ProblemAlert failure={inspectFailure}>
            <button type="button" class="button button-secondary" onClick={() => void inspect()}>
              {t('common.retry')}
            </button>
          </ProblemAlert>
        ) : (
          <p aria-busy="true">{t('recovery.checking')}</p>
        )}
      </>
    );
  }
  if (state.status === 'expired') {
    return (
      <>
        <h1>{t('recovery.linkTitle')}</h1>
        <ProblemAlert failure={state.failure}>
          <a class="button button-secondary" href="/recovery">
            {t('recovery.newLink')}
          </a>
        </ProblemAlert>
      </>
    );
  }
  if (state.status === 'done') {
    return (
      <>
        <h1>{t('recovery.doneTitle')}</h1>
        <section class="card" data-testid="recovery-done">
          <Notice>{t('recovery.doneText')}</Notice>
          <a class="button button-block" href="/login">
            {t('activation.signIn')}
          </a>
        </section>
      </>
    );
  }
  const byPasskey = state.twoFactor && state.factors.includes('passkey');
  const passkeysOnly = byPasskey && !state.factors.includes('authenticator_app');
  const passkeyHere = byPasskey && passkeysSupported();
  const passkeyButton = passkeyHere && (
    <Button
      type="button"
      variant={passkeysOnly ? 'primary' : 'secondary'}
      busy={busy === 'passkey'}
      disabled={!np.view.acceptable || busy === 'code'}
      onClick={() => void save('passkey')}
      testId="recovery-passkey"
    >
      {t('recovery.withPasskey')}
    </Button>
  );
  return (
    <>
      <h1>{t('recovery.linkTitle')}</h1>
      <form class="card form" onSubmit={submit} data-testid="recovery-password-form">
        <NewPasswordField np={np} label={t('recovery.newPassword')} />
        {passkeysOnly && (
          <>
            {passkeyHere ? <p class="hint">{t('recovery.passkeyText')}</p> : <p data-testid="passkeys-unsupported">{t('passkeys.unsupportedHere')}</p>}
            {passkeyButton}
            {passkeyHere && <p class="hint">{t('login.twoFactorFallback')}</p>}
          </>
        )}
        {state.twoFactor && <TwoFactorCodeField label={t('recovery.code')} value={code} onValue={setCode} recoveryOnly={passkeysOnly} />}
        <ProblemAlert failure={failure} />
        {dismissed && (
          <p class="hint" role="status" data-testid="passkey-cancelled">
            {t('passkeys.cancelled')}
          </p>
        )}
        <Button
          busy={busy === 'code'}
          disabled={!np.view.acceptable || (state.twoFactor && code.trim() === '') || busy === 'passkey'}
          variant={passkeysOnly ? 'secondary' : 'primary'}
          testId="recovery-save"
        >
          {t('recovery.save')}
        </Button>
        {!passkeysOnly && passkeyButton}
      </form>
    </>
  );
}
