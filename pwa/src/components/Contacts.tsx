import { useConfig } from '../config';
import { useI18n } from '../i18n';

/** The secretariat's contacts from GET /api/config/public (name, e-mail, phone, hours). */
export function SecretariatContacts({ titleId }: { titleId?: string }) {
  const { t } = useI18n();
  const state = useConfig();
  if (state.status === 'loading') return <p aria-busy="true">{t('common.loading')}</p>;
  if (state.status === 'error' || state.config.secretariat.length === 0)
    return <p class="muted">{t('contacts.unavailable')}</p>;
  return (
    <ul class="contact-list" data-testid="secretariat-contacts" aria-labelledby={titleId}>
      {state.config.secretariat.map((contact) => (
        <li key={contact.email}>
          <strong>{contact.name}</strong>
          <a href={`mailto:${contact.email}`} rel="external">
            {contact.email}
          </a>
          <a href={`tel:${contact.phone}`} rel="external">
            {contact.phone}
          </a>
          <span class="muted">{contact.hours}</span>
        </li>
      ))}
    </ul>
  );
}
