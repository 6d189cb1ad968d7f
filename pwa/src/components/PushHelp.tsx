import { useConfig } from '../config';
import { useI18n, type MessageKey } from '../i18n';
import { isIos } from '../install';
import { IosSteps } from './InstallCard';

/** Where the browser's notification permission is changed, for this kind of device. */
export function deniedHelpKey(userAgent: string, maxTouchPoints: number): MessageKey {
  if (isIos(userAgent, maxTouchPoints)) return 'notifications.deniedIos';
  if (/Android/i.test(userAgent)) return 'notifications.deniedAndroid';
  return 'notifications.deniedDesktop';
}

/** The person refused notifications in the browser: how to allow them again. */
export function DeniedHelp() {
  const { t } = useI18n();
  const config = useConfig();
  const app = config.status === 'ready' ? config.config.university.short_name : t('app.name');
  const key = deniedHelpKey(navigator.userAgent, navigator.maxTouchPoints ?? 0);
  return (
    <div class="alert alert-info" data-testid="push-denied">
      <p>
        <strong>{t('notifications.denied')}</strong>
      </p>
      <p>{t(key, { app })}</p>
      <p>{t('notifications.deniedThen')}</p>
    </div>
  );
}

/** iPhone and iPad: notifications need the app on the home screen first. */
export function IosInstallHelp() {
  const { t } = useI18n();
  return (
    <div data-testid="push-ios-install">
      <p>{t('notifications.iosInstall')}</p>
      <IosSteps />
      <p>{t('notifications.iosThen')}</p>
    </div>
  );
}
