// « Assistance connexion » (/help/connection, public): someone who cannot sign in or activate
// their account gives their number, names, birth date, an e-mail address and their question;
// a code is e-mailed to the address; once typed, the request is filed and its number shown. The
// answers never say whether the number exists (only staff see that).
import { useState } from 'preact/hooks';
import { connectionHelp, type EmailChallenge } from '../api/help';
import type { Failure } from '../api/problems';
import { useCountdown } from '../accounts/countdown';
import { Button, CodeField, Field, Notice, ProblemAlert, TextArea } from '../components/Form';
import { useI18n } from '../i18n';
import { checkConnection, MESSAGE_MAX, SUBJECT_MAX, type ConnectionErrors, type ConnectionForm } from '../help/model';
import { textError } from './Help';

type Step = 'form' | 'code' | 'done';

const EMPTY: ConnectionForm = { number: '', familyName: '', givenName: '', birthDate: '', email: '', subject: '', message: '' };
const MAX: Partial<Record<keyof ConnectionForm, number>> = { number: 40, familyName: 100, givenName: 100, subject: SUBJECT_MAX, message: MESSAGE_MAX };

export function ConnectionHelp() {
  const { t } = useI18n();
  const [step, setStep] = useState<Step>('form');
  const [form, setForm] = useState<ConnectionForm>(EMPTY);
  const [errors, setErrors] = useState<ConnectionErrors>({});
  const [tried, setTried] = useState(false);
  const [challenge, setChallenge] = useState<EmailChallenge | null>(null);
  const [resendAt, setResendAt] = useState(0);
  const [code, setCode] = useState('');
  const [reference, setReference] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [resent, setResent] = useState(false);
  const resendIn = useCountdown(resendAt);

  const update = (patch: Partial<ConnectionForm>) => {
    const next = { ...form, ...patch };
    setForm(next);
    if (tried) setErrors(checkConnection(next));
  };
  const err = (field: keyof ConnectionForm) => {
    const error = errors[field];
    if (error === 'date') return t('help.error.date');
    if (error === 'email') return t('help.error.email');
    return textError(t, error, MAX[field] ?? 0);
  };
  const took = (c: EmailChallenge) => {
    setChallenge(c);
    setResendAt(Date.now() + c.resend_in * 1000);
  };
  /** Back to the form (the code expired), with everything typed. */
  const restart = (f: Failure) => {
    setFailure(f);
    setChallenge(null);
    setCode('');
    setStep('form');
  };

  const start = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setTried(true);
    setFailure(null);
    const found = checkConnection(form);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    const outcome = await connectionHelp.start({
      number: form.number.trim(),
      family_name: form.familyName.trim(),
      given_name: form.givenName.trim(),
      birth_date: form.birthDate,
      email: form.email.trim(),
      subject: form.subject.trim(),
      message: form.message.trim(),
    });
    setBusy(false);
    if (outcome.ok) {
      took(outcome.data);
      setCode('');
      setResent(false);
      setStep('code');
    } else setFailure(outcome.failure);
  };

  const confirm = async (event: Event) => {
    event.preventDefault();
    if (busy || !challenge) return;
    setBusy(true);
    setFailure(null);
    const outcome = await connectionHelp.confirm(challenge.challenge, code.trim());
    setBusy(false);
    if (outcome.ok) {
      setReference(outcome.data.reference);
      setStep('done');
    } else if (outcome.failure.slug === 'code-expired') restart(outcome.failure);
    else setFailure(outcome.failure);
  };

  const resend = async () => {
    if (busy || !challenge) return;
    setBusy(true);
    setFailure(null);
    setResent(false);
    const outcome = await connectionHelp.resend(challenge.challenge);
    setBusy(false);
    if (outcome.ok) {
      took(outcome.data);
      setResent(true);
    } else if (outcome.failure.slug === 'code-expired') restart(outcome.failure);
    else {
      setFailure(outcome.failure);
      if (outcome.failure.retryAfter) setResendAt(Date.now() + outcome.failure.retryAfter * 1000);
    }
  };

  if (step === 'done' && reference !== null)
    return (
      <>
        <h1>{t('connection.doneTitle')}</h1>
        <section class="card" data-testid="connection-done">
          <p data-testid="connection-reference">{t('connection.done', { reference: String(reference), email: form.email.trim() })}</p>
          <a class="button button-block" href="/login">
            {t('connection.backToLogin')}
          </a>
        </section>
      </>
    );

  if (step === 'code' && challenge)
    return (
      <>
        <h1>{t('connection.codeTitle')}</h1>
        <form class="card form" onSubmit={(e) => void confirm(e)} data-testid="connection-code-form">
          <p>{t('connection.codeSent', { email: form.email.trim() })}</p>
          <CodeField label={t('connection.code')} name="code" value={code} onValue={setCode} required autoFocus />
          {resent && <Notice>{t('connection.resent')}</Notice>}
          <ProblemAlert failure={failure} />
          <Button busy={busy} disabled={code.trim() === ''} testId="connection-confirm">
            {t('connection.confirm')}
          </Button>
          <Button type="button" variant="secondary" disabled={busy || resendIn > 0} onClick={() => void resend()} testId="connection-resend">
            {resendIn > 0 ? t('connection.resendIn', { seconds: String(resendIn) }) : t('connection.resend')}
          </Button>
          <button
            type="button"
            class="link-button"
            onClick={() => {
              setFailure(null);
              setStep('form');
            }}
            data-testid="connection-edit"
          >
            {t('connection.edit')}
          </button>
        </form>
      </>
    );

  return (
    <>
      <h1>{t('connection.title')}</h1>
      <p class="lead">{t('connection.intro')}</p>
      <form class="card form" onSubmit={(e) => void start(e)} noValidate data-testid="connection-form">
        <Field
          label={t('connection.number')}
          hint={t('connection.numberHint')}
          name="number"
          autocomplete="off"
          autocapitalize="none"
          autocorrect="off"
          spellcheck={false}
          maxLength={40}
          value={form.number}
          onValue={(number) => update({ number })}
          error={err('number')}
          required
        />
        <Field label={t('connection.familyName')} name="family-name" autocomplete="family-name" maxLength={100} value={form.familyName} onValue={(familyName) => update({ familyName })} error={err('familyName')} required />
        <Field label={t('connection.givenName')} name="given-name" autocomplete="given-name" maxLength={100} value={form.givenName} onValue={(givenName) => update({ givenName })} error={err('givenName')} required />
        <Field
          label={t('connection.birthDate')}
          name="birth-date"
          type="date"
          autocomplete="bday"
          min="1900-01-01"
          max="2100-01-01"
          value={form.birthDate}
          onValue={(birthDate) => update({ birthDate })}
          error={err('birthDate')}
          required
        />
        <Field
          label={t('connection.email')}
          hint={t('connection.emailHint')}
          name="email"
          type="email"
          autocomplete="email"
          inputMode="email"
          autocapitalize="none"
          autocorrect="off"
          spellcheck={false}
          maxLength={254}
          value={form.email}
          onValue={(email) => update({ email })}
          error={err('email')}
          required
        />
        <Field label={t('help.form.subject')} name="subject" maxLength={SUBJECT_MAX} counted value={form.subject} onValue={(subject) => update({ subject })} error={err('subject')} required />
        <TextArea label={t('help.form.message')} name="message" rows={6} maxLength={MESSAGE_MAX} counted value={form.message} onValue={(message) => update({ message })} error={err('message')} required />
        <ProblemAlert failure={failure} />
        <Button busy={busy} testId="connection-start">
          {t('connection.send')}
        </Button>
      </form>
      <ul class="card link-list">
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
