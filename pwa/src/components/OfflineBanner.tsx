import { useI18n } from '../i18n';
import { useOnline } from '../online';
import { OfflineIcon } from './Icons';

export function OfflineBanner() {
  const online = useOnline();
  const { t } = useI18n();
  if (online) return null;
  return (
    <div class="banner banner-offline" role="status" data-testid="offline-banner">
      <OfflineIcon />
      <span>{t('offline.banner')}</span>
    </div>
  );
}
