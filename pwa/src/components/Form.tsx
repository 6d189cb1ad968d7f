import type { ComponentChildren, JSX } from 'preact';
import { useId, useState } from 'preact/hooks';
import { problemMessage, type Failure } from '../api/problems';
import { useI18n } from '../i18n';
import { EyeIcon, EyeOffIcon } from './Icons';

/** The input attributes the forms use (Preact's own input type is a union too strict to extend). */
interface InputProps {
  id?: string;
  name?: string;
  type?: 'text' | 'email' | 'date' | 'search' | 'tel' | 'password' | 'time';
  autocomplete?: string;
  inputMode?: 'numeric' | 'text' | 'email' | 'tel' | 'search';
  pattern?: string;
  maxLength?: number;
  min?: string;
  max?: string;
  step?: number;
  required?: boolean;
  autoFocus?: boolean;
  autocapitalize?: 'none' | 'off' | 'sentences' | 'words';
  autocorrect?: 'on' | 'off';
  spellcheck?: boolean;
  readOnly?: boolean;
  class?: string;
  'aria-describedby'?: string;
}

/** Spread onto <input>: our attribute subset, typed loosely for Preact's union. */
const attrs = (props: InputProps) => props as JSX.IntrinsicElements['input'];

interface FieldProps extends InputProps {
  label: string;
  hint?: string;
  value: string;
  onValue: (value: string) => void;
  /** The value is committed (the `change` event: a time picked, the field left). */
  onCommit?: (value: string) => void;
  /** Shown under the field and linked with aria-describedby / aria-invalid. */
  error?: string | null;
  /** Show « 12 / 200 caractères » under it (with `maxLength`). */
  counted?: boolean;
}

/** A labelled text input: the label above, a hint and an error below, 44 px high or more. */
export function Field({ label, hint, value, onValue, onCommit, error, id, counted = false, ...rest }: FieldProps) {
  const auto = useId();
  const inputId = id ?? `f-${auto}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const countId = counted && rest.maxLength ? `${inputId}-count` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const describedBy = [hintId, countId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={inputId}>{label}</label>
      <input
        class="input"
        id={inputId}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        onChange={onCommit ? (e) => onCommit(e.currentTarget.value) : undefined}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        {...attrs(rest)}
      />
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
      {countId && <Count id={countId} value={value} max={rest.maxLength ?? 0} />}
      {error && (
        <p class="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A labelled multi-line text (label, hint, error as for Field); `counted` shows « 12 / 200 ». */
export function TextArea({
  label,
  hint,
  value,
  onValue,
  error,
  id,
  name,
  rows = 5,
  maxLength,
  counted = false,
  required,
}: {
  label: string;
  hint?: string;
  value: string;
  onValue: (value: string) => void;
  error?: string | null;
  id?: string;
  name?: string;
  rows?: number;
  maxLength?: number;
  counted?: boolean;
  required?: boolean;
}) {
  const auto = useId();
  const inputId = id ?? `t-${auto}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const countId = counted && maxLength ? `${inputId}-count` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const describedBy = [hintId, countId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={inputId}>{label}</label>
      <textarea
        class="input"
        id={inputId}
        name={name}
        rows={rows}
        maxLength={maxLength}
        required={required}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
      />
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
      {countId && <Count id={countId} value={value} max={maxLength ?? 0} />}
      {error && (
        <p class="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

/** « 12 / 200 caractères » under a field (characters as the server counts them). */
export function Count({ id, value, max }: { id?: string; value: string; max: number }) {
  const { t } = useI18n();
  const count = [...value].length;
  return (
    <p class={`hint counter${count > max ? ' counter-over' : ''}`} id={id} data-testid="counter">
      {t('common.count', { count: String(count), max: String(max) })}
    </p>
  );
}

interface PasswordFieldProps extends Omit<FieldProps, 'type'> {
  autocomplete: 'current-password' | 'new-password';
  /** Extra content below the input (the live rule list). */
  children?: ComponentChildren;
}

/** A password input with a show/hide toggle (the text stays in the same input). */
export function PasswordField({ label, hint, value, onValue, error, autocomplete, children, id, ...rest }: PasswordFieldProps) {
  const { t } = useI18n();
  const [visible, setVisible] = useState(false);
  const auto = useId();
  const inputId = id ?? `p-${auto}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const describedBy = [hintId, errorId, rest['aria-describedby']].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={inputId}>{label}</label>
      <div class="password-box">
        <input
          class="input"
          id={inputId}
          {...attrs({
            ...rest,
            type: visible ? 'text' : 'password',
            autocomplete,
            autocapitalize: 'none',
            autocorrect: 'off',
            spellcheck: false,
            'aria-describedby': describedBy,
          })}
          value={value}
          onInput={(e) => onValue(e.currentTarget.value)}
          aria-invalid={error ? true : undefined}
        />
        <button
          type="button"
          class="icon-button reveal"
          aria-pressed={visible}
          aria-label={visible ? t('password.hide') : t('password.show')}
          aria-controls={inputId}
          onClick={() => setVisible(!visible)}
        >
          {visible ? <EyeOffIcon /> : <EyeIcon />}
        </button>
      </div>
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={errorId}>
          {error}
        </p>
      )}
      {children}
    </div>
  );
}

interface CodeFieldProps extends Omit<FieldProps, 'type'> {
  /** Recovery codes contain letters: a text keyboard then. */
  numeric?: boolean;
}

/** A one-time code (SMS or authenticator app): numeric keyboard, SMS autofill. */
export function CodeField({ numeric = true, ...props }: CodeFieldProps) {
  return (
    <Field
      type="text"
      autocomplete="one-time-code"
      inputMode={numeric ? 'numeric' : 'text'}
      // Never `undefined` here: Preact would set pattern="" on the same input, which refuses any text.
      pattern={numeric ? '[0-9]*' : '.*'}
      maxLength={numeric ? 6 : 32}
      autocapitalize="none"
      autocorrect="off"
      spellcheck={false}
      class="input input-code"
      {...props}
    />
  );
}

/** A checkbox with its label, as one 44 px touch target. */
export function Checkbox({
  label,
  hint,
  checked,
  onChange,
  name,
}: {
  label: string;
  hint?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  name?: string;
}) {
  const id = `c-${useId()}`;
  return (
    <div class="field field-check">
      <input
        type="checkbox"
        id={id}
        name={name}
        checked={checked}
        onChange={(e) => onChange(e.currentTarget.checked)}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/**
 * An on/off setting that applies at once: a checkbox with `role="switch"`, the label on the left,
 * the whole row a touch target; `busy` while its request runs.
 */
export function Switch({
  label,
  hint,
  checked,
  onChange,
  disabled = false,
  busy = false,
  testId,
}: {
  label: string;
  hint?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  busy?: boolean;
  testId?: string;
}) {
  const id = `s-${useId()}`;
  return (
    <div class="field field-switch">
      <label for={id}>{label}</label>
      <input
        type="checkbox"
        role="switch"
        class="switch"
        id={id}
        checked={checked}
        disabled={disabled || busy}
        aria-busy={busy ? true : undefined}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.currentTarget.checked)}
        data-testid={testId}
      />
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** A submit (or plain) button that shows progress while its request runs. */
export function Button({
  busy = false,
  disabled = false,
  variant = 'primary',
  type = 'submit',
  onClick,
  children,
  testId,
}: {
  busy?: boolean;
  disabled?: boolean;
  variant?: 'primary' | 'secondary' | 'danger';
  type?: 'submit' | 'button';
  onClick?: () => void;
  children: ComponentChildren;
  testId?: string;
}) {
  const { t } = useI18n();
  const cls = `button button-block${variant === 'secondary' ? ' button-secondary' : ''}${variant === 'danger' ? ' button-danger' : ''}`;
  return (
    <button
      type={type}
      class={cls}
      disabled={disabled || busy}
      aria-busy={busy ? true : undefined}
      onClick={onClick}
      data-testid={testId}
    >
      {busy && <span class="spinner" aria-hidden="true" />}
      <span>{children}</span>
      {busy && <span class="visually-hidden">{t('common.working')}</span>}
    </button>
  );
}

/** The translated message for a failure, with the server's detail when it adds something. */
export function ProblemAlert({ failure, children }: { failure: Failure | null; children?: ComponentChildren }) {
  const { t } = useI18n();
  if (!failure || failure.slug === 'cancelled') return null;
  const message = problemMessage(failure, t);
  const detail = failure.detail && failure.detail !== message ? failure.detail : null;
  return (
    <div class="alert alert-error" role="alert" data-testid="problem" data-problem={failure.slug}>
      <p>{message}</p>
      {detail && <p class="alert-detail">{detail}</p>}
      {children}
    </div>
  );
}

/** A short confirmation (« C’est fait. »), announced politely. */
export function Notice({ children, testId }: { children: ComponentChildren; testId?: string }) {
  return (
    <div class="alert alert-ok" role="status" data-testid={testId}>
      {children}
    </div>
  );
}
