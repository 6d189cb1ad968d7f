import { useState } from 'preact/hooks';
import { CodeField } from '../components/Form';
import { useI18n } from '../i18n';

/**
 * A second-factor code: the authenticator app's 6 digits (numeric keyboard, one-time-code
 * autofill), or, after a tap, one of the recovery codes (text keyboard). `recoveryOnly`: an
 * account whose second factor is its passkeys, where a code can only be a recovery code.
 */
export function TwoFactorCodeField({
  value,
  onValue,
  label,
  autoFocus = false,
  recoveryOnly = false,
}: {
  value: string;
  onValue: (value: string) => void;
  label?: string;
  autoFocus?: boolean;
  recoveryOnly?: boolean;
}) {
  const { t } = useI18n();
  const [chosen, setRecovery] = useState(false);
  const recovery = chosen || recoveryOnly;
  return (
    <>
      <p class="hint">{recovery ? t('login.twoFactorRecoveryText') : t('login.twoFactorText')}</p>
      <CodeField
        label={recovery ? t('login.recoveryCode') : (label ?? t('login.code'))}
        name="code"
        numeric={!recovery}
        value={value}
        onValue={onValue}
        required
        autoFocus={autoFocus}
      />
      {!recoveryOnly && (
        <button type="button" class="link-button" onClick={() => setRecovery(!recovery)} data-testid="toggle-recovery-code">
          {recovery ? t('login.useAppCode') : t('login.useRecoveryCode')}
        </button>
      )}
    </>
  );
}
