import { useI18n } from '../i18n';
import { bannerMode, dismissInstall, promptInstall, sectionMode, useInstall, type InstallMode } from '../install';
import { CloseIcon, ShareIcon } from './Icons';

/** « Partager » then « Sur l’écran d’accueil » (also shown by the notification screens). */
export function IosSteps() {
  const { t } = useI18n();
  return (
    <ol class="ios-steps">
      <li>
        {t('install.iosStep1')}{' '}
        <span class="inline-icon" role="img" aria-label={t('install.iosShareLabel')}>
          <ShareIcon />
        </span>
      </li>
      <li>{t('install.iosStep2')}</li>
    </ol>
  );
}

function InstallBody({ mode }: { mode: InstallMode }) {
  const { t } = useI18n();
  if (mode === 'prompt') {
    return (
      <>
        <p>{t('install.text')}</p>
        <button type="button" class="button" onClick={() => void promptInstall()}>
          {t('install.button')}
        </button>
      </>
    );
  }
  if (mode === 'ios') {
    return (
      <>
        <p>{t('install.text')}</p>
        <IosSteps />
      </>
    );
  }
  if (mode === 'installed') return <p>{t('more.installed')}</p>;
  return <p>{t('more.installUnavailable')}</p>;
}

/** Dismissible card shown at the top of the home page when installing is possible. */
export function InstallBanner() {
  const env = useInstall();
  const { t } = useI18n();
  const mode = bannerMode(env);
  if (mode !== 'prompt' && mode !== 'ios') return null;
  return (
    <section class="card install-card" aria-labelledby="install-title" data-testid="install-banner">
      <div class="card-head">
        <h2 id="install-title">{t('install.title')}</h2>
        <button type="button" class="icon-button" onClick={dismissInstall} aria-label={t('install.dismiss')}>
          <CloseIcon />
        </button>
      </div>
      <InstallBody mode={mode} />
    </section>
  );
}

/** The install section of the "More" page (never dismissed). */
export function InstallSection() {
  const env = useInstall();
  const { t } = useI18n();
  return (
    <section class="card" aria-labelledby="install-section-title">
      <h2 id="install-section-title">{t('install.title')}</h2>
      <InstallBody mode={sectionMode(env)} />
    </section>
  );
}
