import { useEffect, useState } from 'preact/hooks';
import { CANCELLED, withReauth } from '../accounts/reauth';
import { accounts, type LoginOutcome, type SecondFactorAnswer, type SecondFactorKind } from '../api/accounts';
import { passkeys } from '../api/passkeys';
import type { Failure } from '../api/problems';
import { services } from '../api/services';
import { signedIn, takeNext, useAuth, type AuthState } from '../auth';
import { casRequest, isNavigable, toService } from '../cas';
import { SecretariatContacts } from '../components/Contacts';
import { TwoFactorCodeField } from '../accounts/TwoFactorCode';
import { Button, Checkbox, Field, Notice, PasswordField, ProblemAlert } from '../components/Form';
import { InstallBanner } from '../components/InstallCard';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useConfig } from '../config';
import { useI18n } from '../i18n';
import { currentEnvironment } from '../install';
import { confirmWithPasskey } from '../passkeys/ceremonies';
import { usePasskeyLogin } from '../passkeys/usePasskeyLogin';
import { passkeysSupported } from '../passkeys/webauthn';
import { navigate, queryParam, useSearch } from '../router';

/** What to add under the message of an account-state problem. */
function FailureHelp({ failure }: { failure: Failure }) {
  const { t } = useI18n();
  switch (failure.slug) {
    case 'account-pending-activation':
      return (
        <a class="button button-secondary" href="/activation">
          {t('login.activateLink')}
        </a>
      );
    case 'account-locked':
      return (
        <a class="button button-secondary" href="/recovery">
          {t('login.forgot')}
        </a>
      );
    case 'account-suspended':
    case 'account-closed':
      return <SecretariatContacts />;
    default:
      return null;
  }
}

/** What to add under a problem of the single sign-on continuation. */
function ContinuationHelp({ failure, onRetry }: { failure: Failure; onRetry: () => void }) {
  const { t } = useI18n();
  switch (failure.slug) {
    case 'cas-login-request-expired':
      return (
        <a class="button button-secondary" href="/services">
          {t('services.all')}
        </a>
      );
    case 'phone-verification-required':
      return (
        <a class="button button-secondary" href="/more/security/phone">
          {t('cas.confirmPhone')}
        </a>
      );
    case 'account-inactive':
      return <SecretariatContacts />;
    case 'service-forbidden':
      return null;
    default:
      return (
        <button type="button" class="button button-secondary" onClick={onRetry}>
          {t('common.retry')}
        </button>
      );
  }
}

/**
 * Signed in, with a service waiting (`/login?cas=LR-…`): POST /api/cas/continuation, then a plain
 * navigation to the address it answers, the service with its ticket (never anywhere else). When
 * the service asked for the password again (`renew`), the password prompt comes first.
 */
function ServiceContinuation({ request }: { request: string }) {
  const { t } = useI18n();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let shown = true;
    setFailure(null);
    void withReauth(() => services.continueToService(request)).then((outcome) => {
      if (!shown) return;
      if (outcome.ok && isNavigable(outcome.data.location)) toService.go(outcome.data.location);
      else setFailure(outcome.ok ? { slug: 'unknown', status: 200 } : outcome.failure);
    });
    return () => {
      shown = false;
    };
  }, [request, attempt]);
  const retry = () => setAttempt((n) => n + 1);
  return (
    <>
      <h1>{t('cas.title')}</h1>
      {!failure && (
        <p class="lead" role="status" aria-busy="true" data-testid="cas-connecting">
          {t('cas.connecting')}
        </p>
      )}
      {failure === CANCELLED && (
        <div class="card" data-testid="cas-renew">
          <p>{t('cas.renew')}</p>
          <button type="button" class="button" onClick={retry}>
            {t('cas.enterPassword')}
          </button>
        </div>
      )}
      {failure && failure !== CANCELLED && (
        <div data-testid="cas-failure">
          <ProblemAlert failure={failure}>
            <ContinuationHelp failure={failure} onRetry={retry} />
          </ProblemAlert>
        </div>
      )}
      {failure && (
        <a class="list-link" href="/" data-testid="cas-home">
          {t('cas.home')}
        </a>
      )}
    </>
  );
}

function sessionNotice(auth: AuthState, t: ReturnType<typeof useI18n>['t']): string | null {
  if (queryParam('changed') === '1') return t('login.passwordChanged');
  if (auth.status === 'signed-out' && auth.reason === 'session-ended') return t('login.sessionEnded');
  return null;
}

/**
 * The entry when not signed in: identifier + password, then a code when two-factor is on; or a
 * passkey, from its button or from the identifier field's autofill.
 */
export function Login() {
  const { t } = useI18n();
  const auth = useAuth();
  const config = useConfig();
  const [identifier, setIdentifier] = useState(() => queryParam('identifier') ?? '');
  const [password, setPassword] = useState('');
  // Installed app: a personal phone, so staying signed in is the default.
  const [remember, setRemember] = useState(() => currentEnvironment().standalone);
  // The login waiting for its second factor, and what can answer it.
  const [pending, setPending] = useState<{ id: string; factors: SecondFactorKind[] } | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState<'code' | 'passkey' | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  // The second factor's passkey prompt was dismissed.
  const [dismissed, setDismissed] = useState(false);

  // A service waiting for this sign-in (`/login?cas=LR-…`); anything else in `cas` is ignored.
  useSearch();
  const request = casRequest();

  const finish = (outcome: LoginOutcome) => {
    if (outcome.status === 'signed_in' && outcome.me) {
      signedIn(outcome.me);
      // With a service waiting, this page goes on to it (ServiceContinuation).
      if (!request) navigate(takeNext(), { replace: true });
    } else if (outcome.status === 'two_factor_required' && outcome.pending) {
      // A server from before passkeys names no factors: the app's code or a recovery code.
      setPending({ id: outcome.pending, factors: outcome.second_factors ?? [] });
      setCode('');
      setDismissed(false);
    }
  };
  const passkey = usePasskeyLogin({ remember, onSignedIn: finish, onFailure: setFailure, active: auth.status !== 'signed-in' });

  const submitPassword = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy('code');
    setFailure(null);
    passkey.pause();
    const outcome = await accounts.login(identifier.trim(), password, remember);
    setBusy(null);
    if (outcome.ok) finish(outcome.data);
    else {
      setFailure(outcome.failure);
      passkey.resume();
    }
  };

  /** The second factor: a code typed, or one of the person's passkeys. */
  const secondFactor = async (how: 'code' | 'passkey') => {
    if (busy || !pending) return;
    setBusy(how);
    setFailure(null);
    setDismissed(false);
    const login = (answer: SecondFactorAnswer) => accounts.loginTwoFactor(pending.id, answer);
    const outcome =
      how === 'code'
        ? await login({ code: code.trim() })
        : await confirmWithPasskey(
            () => passkeys.startSecondFactor(pending.id),
            (answer) => login({ passkey: answer }),
          );
    setBusy(null);
    if (outcome.ok) finish(outcome.data);
    else if (outcome.failure === CANCELLED) setDismissed(true);
    else {
      setFailure(outcome.failure);
      // The pending sign-in expired: back to the password (still filled in).
      if (outcome.failure.slug === 'code-expired') setPending(null);
      // No passkey any more (removed meanwhile): the codes remain.
      if (outcome.failure.slug === 'no-passkey') setPending({ ...pending, factors: pending.factors.filter((f) => f !== 'passkey') });
    }
  };
  const submitCode = (event: Event) => {
    event.preventDefault();
    void secondFactor('code');
  };

  if (request && auth.status === 'signed-in') return <ServiceContinuation request={request} />;

  const notice = sessionNotice(auth, t);
  const university = config.status === 'ready' ? config.config.university.name : '\u00a0';

  if (pending) {
    const byPasskey = pending.factors.includes('passkey');
    // Passkeys and no app: the passkey first, a recovery code if it is not at hand.
    const passkeysOnly = byPasskey && !pending.factors.includes('authenticator_app');
    const passkeyHere = byPasskey && passkeysSupported();
    const passkeyButton = passkeyHere && (
      <Button
        type="button"
        variant={passkeysOnly ? 'primary' : 'secondary'}
        busy={busy === 'passkey'}
        disabled={busy === 'code'}
        onClick={() => void secondFactor('passkey')}
        testId="two-factor-passkey"
      >
        {t('passkeys.use')}
      </Button>
    );
    return (
      <>
        <p class="eyebrow">{university}</p>
        <h1>{t('login.twoFactorTitle')}</h1>
        {request && <Notice testId="cas-notice">{t('cas.signInFirst')}</Notice>}
        <form class="card form" onSubmit={submitCode} data-testid="two-factor-form">
          {passkeysOnly && (
            <>
              {passkeyHere ? <p class="hint">{t('login.twoFactorPasskeyText')}</p> : <p data-testid="passkeys-unsupported">{t('passkeys.unsupportedHere')}</p>}
              {passkeyButton}
              {passkeyHere && <p class="hint">{t('login.twoFactorFallback')}</p>}
            </>
          )}
          <TwoFactorCodeField value={code} onValue={setCode} autoFocus={!passkeysOnly} recoveryOnly={passkeysOnly} />
          <ProblemAlert failure={failure} />
          {dismissed && (
            <p class="hint" role="status" data-testid="passkey-cancelled">
              {t('passkeys.cancelled')}
            </p>
          )}
          <Button busy={busy === 'code'} disabled={code.trim() === '' || busy === 'passkey'} variant={passkeysOnly ? 'secondary' : 'primary'}>
            {t('login.verify')}
          </Button>
          {!passkeysOnly && passkeyButton}
          <button
            type="button"
            class="link-button"
            onClick={() => {
              setPending(null);
              setFailure(null);
              passkey.resume();
            }}
          >
            {t('login.backToPassword')}
          </button>
        </form>
      </>
    );
  }

  return (
    <>
      <div class="page-head">
        <p class="eyebrow" data-testid="university-name">
          {university}
        </p>
        <LanguageSwitch compact />
      </div>
      <h1>{t('login.title')}</h1>
      <p class="lead">{t('login.intro')}</p>
      {notice && <Notice testId="login-notice">{notice}</Notice>}
      {request && <Notice testId="cas-notice">{t('cas.signInFirst')}</Notice>}
      <form class="card form" onSubmit={(e) => void submitPassword(e)} data-testid="login-form">
        <Field
          label={t('login.identifier')}
          hint={t('login.identifierHint')}
          name="username"
          type="text"
          autocomplete={passkey.conditional ? 'username webauthn' : 'username'}
          autocapitalize="none"
          autocorrect="off"
          spellcheck={false}
          value={identifier}
          onValue={setIdentifier}
          required
        />
        <PasswordField
          label={t('login.password')}
          name="password"
          autocomplete="current-password"
          value={password}
          onValue={setPassword}
          required
        />
        <Checkbox label={t('login.remember')} hint={t('login.rememberHint')} checked={remember} onChange={setRemember} name="remember" />
        <ProblemAlert failure={failure}>{failure && <FailureHelp failure={failure} />}</ProblemAlert>
        <Button busy={busy === 'code'} disabled={passkey.busy} testId="login-submit">
          {t('login.submit')}
        </Button>
        {passkey.supported && (
          <>
            <Button type="button" variant="secondary" busy={passkey.busy} disabled={busy !== null} onClick={() => void passkey.signIn()} testId="passkey-login">
              {t('login.passkey')}
            </Button>
            {passkey.cancelled && (
              <p class="hint" role="status" data-testid="passkey-cancelled">
                {t('passkeys.cancelled')}
              </p>
            )}
          </>
        )}
      </form>
      <ul class="card link-list">
        <li>
          <a class="list-link" href="/activation" data-testid="activate-link">
            {t('login.firstTime')}
          </a>
        </li>
        <li>
          <a class="list-link" href="/recovery" data-testid="forgot-link">
            {t('login.forgot')}
          </a>
        </li>
        <li>
          <a class="list-link" href="/help/connection" data-testid="connection-help-link">
            {t('login.connectionHelp')}
          </a>
        </li>
        <li>
          <a class="list-link" href="/contacts">
            {t('contacts.list')}
          </a>
        </li>
        <li>
          <a class="list-link" href="/news" data-testid="login-news">
            {t('login.news')}
          </a>
        </li>
      </ul>
      <InstallBanner />
    </>
  );
}
