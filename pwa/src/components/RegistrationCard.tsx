import { needsAttention, registration } from '../api/registration';
import { formatDayMonth } from '../i18n/format';
import { useI18n } from '../i18n';
import { ChevronIcon } from './Icons';
import { useLoad } from './useLoad';

/** Home card: the registration that needs doing (window open, documents missing); nothing otherwise. */
export function RegistrationCard() {
  const { lang, t } = useI18n();
  const list = useLoad(registration.mine);
  const pending = list.data?.registrations.find(needsAttention);
  if (!pending) return null;
  const text =
    pending.due && pending.closes_on
      ? t('registration.homeDue', { year: pending.academic_year, date: formatDayMonth(`${pending.closes_on}T12:00:00Z`, lang) })
      : t('registration.homeMissing', { year: pending.academic_year });
  return (
    <a class="card card-link" href="/registration" data-testid="registration-card">
      <span>
        <strong class="block">{t('page.registration')}</strong>
        <span class="muted block">{text}</span>
      </span>
      <ChevronIcon />
    </a>
  );
}
