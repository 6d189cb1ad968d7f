import { useI18n } from '../i18n';

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
