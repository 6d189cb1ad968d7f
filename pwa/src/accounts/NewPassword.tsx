import { useEffect, useId, useState } from 'preact/hooks';
import { accounts, type PasswordPolicy } from '../api/accounts';
import { CheckIcon, DotIcon } from '../components/Icons';
import { PasswordField } from '../components/Form';
import { useI18n, type MessageKey } from '../i18n';
import { FALLBACK_POLICY, needsServerCheck, rulesView, type RulesView, type ServerCheck } from './password-rules';

/** How long typing must pause before the server is asked. */
export const CHECK_DELAY_MS = 300;

let policy: PasswordPolicy | null = null;
let policyRequest: Promise<PasswordPolicy> | null = null;

/** GET /api/password-policy once per page load (the fallback until then, or if it fails). */
export function loadPolicy(): Promise<PasswordPolicy> {
  policyRequest ??= accounts.policy().then((outcome) => {
    if (outcome.ok) policy = outcome.data;
    else policyRequest = null; // try again next time
    return policy ?? FALLBACK_POLICY;
  });
  return policyRequest;
}

export function usePolicy(): PasswordPolicy {
  const [local, setLocal] = useState<PasswordPolicy>(policy ?? FALLBACK_POLICY);
  useEffect(() => {
    let live = true;
    void loadPolicy().then((p) => live && setLocal(p));
    return () => {
      live = false;
    };
  }, []);
  return local;
}

export interface NewPassword {
  password: string;
  setPassword: (value: string) => void;
  policy: PasswordPolicy;
  view: RulesView;
}

/**
 * The state of a new password: length and character classes judged at once in the browser,
 * the rest by POST /api/password-policy/check (debounced), with the activation or recovery
 * ticket when there is one.
 */
export function useNewPassword(ticket?: string): NewPassword {
  const policy = usePolicy();
  const [password, setPassword] = useState('');
  const [server, setServer] = useState<ServerCheck | null>(null);
  useEffect(() => {
    if (!needsServerCheck(policy, password)) return undefined;
    let live = true;
    const timer = setTimeout(() => {
      void accounts.checkPassword(password, ticket).then((outcome) => {
        if (live) setServer({ password, result: outcome.ok ? outcome.data : null });
      });
    }, CHECK_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [password, ticket, policy]);
  return { password, setPassword, policy, view: rulesView(policy, password, server) };
}

const STATE_LABEL: Record<string, MessageKey> = {
  ok: 'rules.ok',
  no: 'rules.no',
  pending: 'rules.pending',
};

/** The live list of rules: each ticks as the person types. */
export function PasswordRules({ np, id }: { np: NewPassword; id: string }) {
  const { t } = useI18n();
  const params = { n: String(np.policy.min_length) };
  return (
    <div class="rules" id={id}>
      <p class="rules-title">{t('rules.title')}</p>
      <ul data-testid="password-rules">
        {np.view.rules.map(({ rule, state }) => (
          <li key={rule} class={`rule rule-${state}`} data-rule={rule} data-state={state}>
            {state === 'ok' ? <CheckIcon /> : <DotIcon />}
            <span>
              {t(`rules.${rule}` as MessageKey, rule === 'max_length' ? { n: String(np.policy.max_length) } : params)}
              {STATE_LABEL[state] && <span class="visually-hidden"> : {t(STATE_LABEL[state])}</span>}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** New-password input (autocomplete="new-password") with its show/hide toggle and rule list. */
export function NewPasswordField({ np, label, error }: { np: NewPassword; label: string; error?: string | null }) {
  const rulesId = `rules-${useId()}`;
  return (
    <PasswordField
      label={label}
      name="new-password"
      autocomplete="new-password"
      value={np.password}
      onValue={np.setPassword}
      error={error}
      aria-describedby={rulesId}
      maxLength={np.policy.max_length * 2}
      required
    >
      <PasswordRules np={np} id={rulesId} />
    </PasswordField>
  );
}
