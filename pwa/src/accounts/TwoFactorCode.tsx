import { useState } from 'preact/hooks';
import { CodeField } from '../components/Form';
import { useI18n } from '../i18n';

/**
 * A second-factor code: the authenticator app's 6 digits (numeric keyboard, one-time-code
 * autofill), or, after a tap, one of the recovery codes (text keyboard).
 */
export function TwoFactorCodeField({
  value,
  onValue,
  label,
  autoFocus = false,
}: {
  value: string;
  onValue: (value: string) => void;
  label?: string;
  autoFocus?: boolean;
}) {
  const { t } = useI18n();
  const [recovery, setRecovery] = useState(false);
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
      <button type="button" class="link-button" onClick={() => setRecovery(!recovery)} data-testid="toggle-recovery-code">
        {recovery ? t('login.useAppCode') : t('login.useRecoveryCode')}
      </button>
    </>
  );
}
