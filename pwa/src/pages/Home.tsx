import { FavouritesCard } from '../components/FavouritesCard';
import { InstallBanner } from '../components/InstallCard';
import { NewsCard } from '../components/NewsCard';
import { NextClassCard } from '../components/NextClassCard';
import { NotificationCard } from '../components/NotificationCard';
import { cardMode, usePushDevice } from '../push/device';
import { loadConfig, useConfig } from '../config';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';

export function Home() {
  const { t } = useI18n();
  const state = useConfig();
  const auth = useAuth();
  const device = usePushDevice();
  // On iOS, the notification card already explains how to add the app to the home screen.
  const iosInstallInCard = auth.status === 'signed-in' && cardMode(device) === 'ios-install';
  return (
    <>
      {/* Always there, so that the name arriving does not push the page down (layout shift). */}
      <p class="eyebrow" data-testid="university-name">
        {state.status === 'ready' ? state.config.university.name : '\u00a0'}
      </p>
      <h1>{t('home.welcome')}</h1>
      {auth.status === 'signed-in' && (
        <p class="greeting" data-testid="greeting">
          {t('home.hello', { name: auth.me.given_name })}
        </p>
      )}
      <p class="lead">{t('home.intro')}</p>
      {/* Signed in: the favourite services first, and « Tous les services ». */}
      {auth.status === 'signed-in' && <FavouritesCard />}
      {/* Signed in (or offline after signing in): the next class, from the stored timetable too. */}
      {(auth.status === 'signed-in' || (auth.status === 'offline' && auth.wasSignedIn)) && <NextClassCard auth={auth} />}
      {/* Signed in: the 3 newest items of the feed. */}
      {auth.status === 'signed-in' && <NewsCard />}
      {/* After signing in: what notifications are for, and « Activer les notifications ». */}
      <NotificationCard />
      {/* Shown only once the browser offers installation: below the first card, it moves less. */}
      {!iosInstallInCard && <InstallBanner />}
      {state.status === 'loading' && <p aria-busy="true">{t('home.loading')}</p>}
      {state.status === 'error' && (
        <div class="card" role="alert">
          <p>{t('home.configError')}</p>
          <button type="button" class="button button-secondary" onClick={() => void loadConfig(true)}>
            {t('home.retry')}
          </button>
        </div>
      )}
      {state.status === 'ready' && state.config.campuses.length > 0 && (
        <section class="card" aria-labelledby="campuses">
          <h2 id="campuses">{t('home.campuses')}</h2>
          <ul class="campus-list" data-testid="campuses">
            {state.config.campuses.map((campus) => (
              <li key={campus.code}>
                <strong>{campus.name}</strong>
                <span class="muted">{campus.city}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
