import { useEffect, useState } from 'preact/hooks';
import { accounts, type ActivatedAccount, type ActivationChallenge } from '../api/accounts';
import type { Failure } from '../api/problems';
import { receiveSmsCode, useCountdown } from '../accounts/countdown';
import { NewPasswordField, useNewPassword } from '../accounts/NewPassword';
import { Button, CodeField, Field, Notice, ProblemAlert } from '../components/Form';
import { useI18n } from '../i18n';
import { navigate } from '../router';

type Step = 'identity' | 'code' | 'password' | 'done';

function StepHeader({ n, title }: { n: number; title: string }) {
  const { t } = useI18n();
  return (
    <>
      <p class="eyebrow">{t('activation.step', { n: String(n) })}</p>
      <h1>{title}</h1>
    </>
  );
}

/** « Activer votre compte »: number + birth date → SMS code → password → identifier. */
export function Activation() {
  const { t } = useI18n();
  const [step, setStep] = useState<Step>('identity');
  const [number, setNumber] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [challenge, setChallenge] = useState<ActivationChallenge | null>(null);
  const [resendAt, setResendAt] = useState(0);
  const [code, setCode] = useState('');
  const [ticket, setTicket] = useState<string | null>(null);
  const [account, setAccount] = useState<ActivatedAccount | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [resent, setResent] = useState(false);
  const np = useNewPassword(ticket ?? undefined);
  const resendIn = useCountdown(resendAt);

  const took = (c: ActivationChallenge) => {
    setChallenge(c);
    setResendAt(Date.now() + c.resend_in * 1000);
  };

  /** Back to the first step (code or ticket expired), keeping what was typed. */
  const restart = (f: Failure) => {
    setFailure(f);
    setChallenge(null);
    setTicket(null);
    setCode('');
    setStep('identity');
  };

  const start = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFailure(null);
    const outcome = await accounts.startActivation(number.trim(), birthDate);
    setBusy(false);
    if (outcome.ok) {
      took(outcome.data);
      setCode('');
      setResent(false);
      setStep('code');
    } else if (outcome.failure.slug === 'activation-no-phone') {
      navigate('/contacts?reason=no-phone');
    } else {
      setFailure(outcome.failure);
    }
  };

  const verify = async (value: string) => {
    if (busy || !challenge) return;
    setBusy(true);
    setFailure(null);
    const outcome = await accounts.verifyActivation(challenge.challenge, value.trim());
    setBusy(false);
    if (outcome.ok) {
      setTicket(outcome.data.ticket);
      setStep('password');
    } else if (outcome.failure.slug === 'code-expired') {
      restart(outcome.failure);
    } else {
      setFailure(outcome.failure);
    }
  };

  const resend = async () => {
    if (busy || !challenge) return;
    setBusy(true);
    setFailure(null);
    setResent(false);
    const outcome = await accounts.resendActivation(challenge.challenge);
    setBusy(false);
    if (outcome.ok) {
      took(outcome.data);
      setResent(true);
    } else if (outcome.failure.slug === 'code-expired') {
      restart(outcome.failure);
    } else {
      setFailure(outcome.failure);
      if (outcome.failure.retryAfter) setResendAt(Date.now() + outcome.failure.retryAfter * 1000);
    }
  };

  const complete = async (event: Event) => {
    event.preventDefault();
    if (busy || !ticket || !np.view.acceptable) return;
    setBusy(true);
    setFailure(null);
    const outcome = await accounts.completeActivation(ticket, np.password);
    setBusy(false);
    if (outcome.ok) {
      setAccount(outcome.data);
      setStep('done');
    } else if (outcome.failure.slug === 'ticket-expired') {
      restart(outcome.failure);
    } else {
      setFailure(outcome.failure);
    }
  };

  // WebOTP: the browser offers the SMS's code (the SMS ends with « @host #123456 »).
  const challengeId = challenge?.challenge;
  useEffect(() => {
    if (step !== 'code' || !challengeId) return undefined;
    const controller = new AbortController();
    void receiveSmsCode(controller.signal).then((received) => {
      if (received && !controller.signal.aborted) {
        setCode(received);
        void verify(received);
      }
    });
    return () => controller.abort();
  }, [step, challengeId]);

  if (step === 'done' && account) {
    return (
      <>
        <h1>{t('activation.doneTitle')}</h1>
        <section class="card" data-testid="activation-done">
          <p>{t('activation.doneText')}</p>
          <dl class="facts">
            <dt>{t('activation.identifier')}</dt>
            <dd data-testid="activated-identifier">{account.identifier}</dd>
            <dt>{t('activation.email')}</dt>
            <dd data-testid="activated-email">{account.institutional_email}</dd>
          </dl>
          <a class="button button-block" href={`/login?identifier=${encodeURIComponent(account.identifier)}`}>
            {t('activation.signIn')}
          </a>
        </section>
      </>
    );
  }

  if (step === 'password') {
    return (
      <>
        <StepHeader n={3} title={t('activation.passwordTitle')} />
        <p class="lead">{t('activation.passwordIntro')}</p>
        <form class="card form" onSubmit={(e) => void complete(e)} data-testid="activation-password-form">
          <NewPasswordField np={np} label={t('activation.newPassword')} />
          <ProblemAlert failure={failure} />
          <Button busy={busy} disabled={!np.view.acceptable} testId="activation-finish">
            {t('activation.finish')}
          </Button>
        </form>
      </>
    );
  }

  if (step === 'code' && challenge) {
    return (
      <>
        <StepHeader n={2} title={t('activation.codeTitle')} />
        <form class="card form" onSubmit={(e) => (e.preventDefault(), void verify(code))} data-testid="activation-code-form">
          <p data-testid="masked-phone-text">{t('activation.codeSentGeneric', { phone: challenge.masked_phone })}</p>
          <CodeField label={t('activation.code')} name="code" value={code} onValue={setCode} required autoFocus />
          {resent && <Notice>{t('activation.resent')}</Notice>}
          <ProblemAlert failure={failure} />
          <Button busy={busy} disabled={code.trim() === ''} testId="activation-verify">
            {t('activation.verify')}
          </Button>
          <Button type="button" variant="secondary" disabled={busy || resendIn > 0} onClick={() => void resend()} testId="activation-resend">
            {resendIn > 0 ? t('activation.resendIn', { seconds: String(resendIn) }) : t('activation.resend')}
          </Button>
          <a class="list-link" href="/contacts?reason=wrong-phone" data-testid="not-my-number">
            {t('activation.notMyNumber')}
          </a>
        </form>
      </>
    );
  }

  return (
    <>
      <StepHeader n={1} title={t('activation.title')} />
      <p class="lead">{t('activation.intro')}</p>
      <form class="card form" onSubmit={(e) => void start(e)} data-testid="activation-form">
        <Field
          label={t('activation.number')}
          hint={t('activation.numberHint')}
          name="number"
          type="text"
          inputMode="numeric"
          autocomplete="off"
          pattern="[0-9]*"
          maxLength={20}
          value={number}
          onValue={setNumber}
          required
        />
        <Field
          label={t('activation.birthDate')}
          name="birth-date"
          type="date"
          autocomplete="bday"
          max="2100-01-01"
          min="1900-01-01"
          value={birthDate}
          onValue={setBirthDate}
          required
        />
        <ProblemAlert failure={failure} />
        <Button busy={busy} testId="activation-start">
          {t('activation.sendCode')}
        </Button>
      </form>
      <ul class="card link-list">
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
          <a class="list-link" href="/login">
            {t('login.submit')}
          </a>
        </li>
      </ul>
    </>
  );
}
