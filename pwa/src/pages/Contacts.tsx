import { SecretariatContacts } from '../components/Contacts';
import { useI18n, type MessageKey } from '../i18n';
import { queryParam } from '../router';

const REASONS: Record<string, MessageKey> = {
  'no-phone': 'contacts.noPhone',
  'wrong-phone': 'contacts.wrongPhone',
  suspended: 'contacts.suspended',
};

/** « Assistance connexion étudiant »: why to call, and the secretariat's contacts. */
export function Contacts() {
  const { t } = useI18n();
  const reason = REASONS[queryParam('reason') ?? ''];
  return (
    <>
      <h1>{t('contacts.title')}</h1>
      {reason ? (
        <div class="alert alert-info" data-testid="contacts-reason">
          <p>{t(reason)}</p>
        </div>
      ) : (
        <p class="lead">{t('contacts.intro')}</p>
      )}
      <section class="card" aria-labelledby="contacts-list">
        <h2 id="contacts-list">{t('contacts.list')}</h2>
        <SecretariatContacts titleId="contacts-list" />
      </section>
      <ul class="link-list card">
        <li>
          <a class="list-link" href="/help/connection" data-testid="connection-help-link">
            {t('connection.link')}
          </a>
        </li>
        <li>
          <a class="list-link" href="/activation">
            {t('login.firstTime')}
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
