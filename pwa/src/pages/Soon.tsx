import { useI18n, type MessageKey } from '../i18n';

/** Placeholder for a section that a later feature fills. */
export function Soon({ title }: { title: MessageKey }) {
  const { t } = useI18n();
  return (
    <>
      <h1>{t(title)}</h1>
      <div class="card soon" data-testid="soon">
        <h2>{t('soon.title')}</h2>
        <p>{t('soon.text')}</p>
      </div>
    </>
  );
}

export function NotFound() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t('page.notFound')}</h1>
      <div class="card">
        <p>{t('page.notFoundText')}</p>
        <a class="button" href="/">
          {t('page.backHome')}
        </a>
      </div>
    </>
  );
}
