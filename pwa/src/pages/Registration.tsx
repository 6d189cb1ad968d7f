import { certificatePath, registration, type RegistrationView } from '../api/registration';
import { ProblemAlert } from '../components/Form';
import { useLoad } from '../components/useLoad';
import { formatDayMonth } from '../i18n/format';
import { useI18n, type MessageKey } from '../i18n';

type T = ReturnType<typeof useI18n>['t'];

const ADMINISTRATIVE: Record<RegistrationView['administrative'], MessageKey> = {
  not_started: 'registration.status.not_started',
  in_progress: 'registration.status.in_progress',
  awaiting_documents: 'registration.status.awaiting_documents',
  awaiting_payment: 'registration.status.awaiting_payment',
  complete: 'registration.status.complete',
};

/** The window's sentence: open until…, opens on…, or nothing (closed or done). */
function windowText(r: RegistrationView, lang: ReturnType<typeof useI18n>['lang'], t: T): string | null {
  const day = (d: string) => formatDayMonth(`${d}T12:00:00Z`, lang);
  if (r.due && r.closes_on) return t('registration.openUntil', { date: day(r.closes_on) });
  // Dates are the university's calendar days: comparing the strings is comparing the days.
  const today = new Date().toISOString().slice(0, 10);
  if (r.opens_on && r.opens_on > today) return t('registration.opensOn', { date: day(r.opens_on) });
  return null;
}

function YearCard({ r }: { r: RegistrationView }) {
  const { lang, t } = useI18n();
  const window = windowText(r, lang, t);
  return (
    <section class="card" aria-labelledby={`reg-${r.academic_year}`} data-testid="registration-year" data-year={r.academic_year}>
      <h2 id={`reg-${r.academic_year}`}>{t('registration.year', { year: r.academic_year })}</h2>
      <p class="muted">{r.program}</p>
      {window && <p data-testid="registration-window">{window}</p>}
      <dl>
        <dt>{t('registration.administrative')}</dt>
        <dd data-testid="registration-administrative">{t(ADMINISTRATIVE[r.administrative])}</dd>
        <dt>{t('registration.pedagogical')}</dt>
        <dd data-testid="registration-pedagogical">{t(ADMINISTRATIVE[r.pedagogical])}</dd>
        <dt>{t('registration.cvec')}</dt>
        <dd data-testid="registration-cvec">{t(r.cvec ? 'registration.cvecGiven' : 'registration.cvecMissing')}</dd>
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
      {list.data?.registrations.map((r) => <YearCard key={r.academic_year} r={r} />)}
      {site && (
        <a class="button" href={site.href} rel="external noopener" target="_blank" data-testid="registration-site">
          {t('registration.site', { name: site.name })}
        </a>
      )}
    </>
  );
}
