import { useAuth } from '../auth';
import { useI18n } from '../i18n';

/** Shown to a signed-in person whose phone the secretariat changed, until they confirm it. */
export function PhoneBanner() {
  const { t } = useI18n();
  const auth = useAuth();
  if (auth.status !== 'signed-in' || !auth.me.phone_verification_required) return null;
  return (
    <div class="alert alert-info" data-testid="phone-banner">
      <p>{t('phone.banner')}</p>
      <a class="button button-secondary" href="/more/security/phone">
        {t('phone.bannerLink')}
      </a>
    </div>
  );
}
