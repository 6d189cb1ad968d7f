import { useEffect, useState } from 'preact/hooks';
import type { Failure } from '../api/problems';
import { useAuth } from '../auth';
import { askLater, cardMode, enablePush, prefetchKey, usePushDevice } from '../push/device';
import { useI18n } from '../i18n';
import { BellIcon } from './Icons';
import { Button, Notice, ProblemAlert } from './Form';
import { DeniedHelp, IosInstallHelp } from './PushHelp';

/**
 * The home page's invitation to turn notifications on, once signed in: what they are for, then
 * « Activer les notifications » (the browser's permission dialog appears only after this tap)
 * or « Plus tard » (hidden for a few days). On iOS outside the installed app: how to install it
 * first. Refused in the browser: how to allow them again.
 */
export function NotificationCard() {
  const { t } = useI18n();
  const auth = useAuth();
  const device = usePushDevice();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [done, setDone] = useState(false);
  const [denied, setDenied] = useState(false);
  const mode = cardMode(device);

  // The key is ready before the tap: Safari wants the permission and the subscription close to it.
  useEffect(() => {
    if (mode === 'ask') void prefetchKey();
  }, [mode]);

  if (auth.status !== 'signed-in') return null;
  if (done) {
    return (
      <section class="card" data-testid="push-card-done">
        <Notice>{t('pushCard.done')}</Notice>
        <a class="button button-secondary button-block" href="/more/notifications">
          {t('pushCard.settings')}
        </a>
      </section>
    );
  }
  const later = device.later !== null && Date.now() < device.later;
  if (later || (mode === 'hidden' && !denied)) return null;

  const enable = async () => {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    const outcome = await enablePush(auth.me.person_id);
    setBusy(false);
    if (outcome.ok) setDone(true);
    else if (outcome.failure.slug === 'push-denied') setDenied(true);
    else setFailure(outcome.failure);
  };
  return (
    <section class="card push-card" aria-labelledby="push-card-title" data-testid="push-card">
      <h2 id="push-card-title" class="with-icon">
        <BellIcon />
        {t('pushCard.title')}
      </h2>
      <p>{t('pushCard.text')}</p>
      {denied ? <DeniedHelp /> : mode === 'ios-install' && <IosInstallHelp />}
      <div class="form">
        <ProblemAlert failure={failure} />
        {!denied && mode === 'ask' && (
          <Button type="button" busy={busy} onClick={() => void enable()} testId="push-enable">
            {t('pushCard.enable')}
          </Button>
        )}
        <Button type="button" variant="secondary" onClick={() => askLater()} testId="push-later">
          {t('pushCard.later')}
        </Button>
      </div>
    </section>
  );
}
