import { certificatePath, registration, type RegistrationView } from '../api/registration';
import { ProblemAlert } from '../components/Form';
import { useLoad } from '../components/useLoad';
import { useI18n } from '../i18n';
import { cvecKey, latestFirst, statusKey, windowSentence } from '../registration/labels';

function YearCard({ r }: { r: RegistrationView }) {
  const { lang, t } = useI18n();
  const window = windowSentence(r, lang, t);
  return (
    <section class="card" aria-labelledby={`reg-${r.academic_year}`} data-testid="registration-year" data-year={r.academic_year}>
      <h2 id={`reg-${r.academic_year}`}>{t('registration.year', { year: r.academic_year })}</h2>
      <p class="muted">{r.program}</p>
      {window && <p data-testid="registration-window">{window}</p>}
      <dl>
        <dt>{t('registration.administrative')}</dt>
        <dd data-testid="registration-administrative">{t(statusKey(r.administrative))}</dd>
        <dt>{t('registration.pedagogical')}</dt>
        <dd data-testid="registration-pedagogical">{t(statusKey(r.pedagogical))}</dd>
        <dt>{t('registration.cvec')}</dt>
        <dd data-testid="registration-cvec">{t(cvecKey(r))}</dd>
      </dl>
      {r.missing_documents.length > 0 && (
        <>
          <h3>{t('registration.missing')}</h3>
          <ul data-testid="registration-missing">
            {r.missing_documents.map((doc) => (
              <li key={doc}>{doc}</li>
            ))}
          </ul>
        </>
      )}
      {r.certificate && (
        <a class="button button-secondary" href={certificatePath(r.academic_year)} download={`certificat-${r.academic_year}.pdf`} data-testid="certificate-link">
          {t('registration.certificate')}
        </a>
      )}
    </section>
  );
}

/** « Inscriptions et réinscriptions »: each academic year's registration, latest first. */
export function Registration() {
  const { t } = useI18n();
  const list = useLoad(registration.mine);
  const site = list.data?.site;
  return (
    <>
      <h1>{t('page.registration')}</h1>
      {list.loading && !list.data && <p aria-busy="true">{t('common.loading')}</p>}
      <ProblemAlert failure={list.failure ?? null} />
      {list.data && list.data.registrations.length === 0 && <p data-testid="registration-empty">{t('registration.none')}</p>}
      {list.data && latestFirst(list.data.registrations).map((r) => <YearCard key={r.academic_year} r={r} />)}
      {site && (
        <a class="button" href={site.href} rel="external noopener" target="_blank" data-testid="registration-site">
          {t('registration.site', { name: site.name })}
        </a>
      )}
    </>
  );
}
