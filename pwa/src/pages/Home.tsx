import type { ComponentType } from 'preact';
import type { Me } from '../api/accounts';
import { DirectorySearchCard } from '../components/DirectorySearchCard';
import { FavouritesCard } from '../components/FavouritesCard';
import { HelpQueuesCard } from '../components/HelpQueuesCard';
import { InstallBanner } from '../components/InstallCard';
import { AccountsCard, PublishingCard, StudentCardCard } from '../components/LinkCard';
import { NewsCard } from '../components/NewsCard';
import { NextClassCard } from '../components/NextClassCard';
import { NotificationCard } from '../components/NotificationCard';
import { RegistrationCard } from '../components/RegistrationCard';
import { TimetableChangesCard } from '../components/TimetableChangesCard';
import { TodayClassesCard } from '../components/TodayClassesCard';
import { UnreadCard } from '../components/UnreadCard';
import { cardMode, usePushDevice } from '../push/device';
import { loadConfig, useConfig } from '../config';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';

/**
 * The cards the home knows how to draw, by the names of `me.home.cards`. A name not here (a card
 * of a newer server) is skipped.
 */
const CARDS = new Map<string, ComponentType<{ me: Me }>>([
  ['next_class', ({ me }) => <NextClassCard owner={me.person_id} />],
  ['today_classes', ({ me }) => <TodayClassesCard owner={me.person_id} />],
  ['timetable_changes', ({ me }) => <TimetableChangesCard owner={me.person_id} />],
  ['unread', UnreadCard],
  ['news', NewsCard],
  ['favourite_services', FavouritesCard],
  ['directory_search', DirectorySearchCard],
  ['help_queues', HelpQueuesCard],
  ['publishing', PublishingCard],
  ['account_administration', AccountsCard],
  ['registration', RegistrationCard],
  ['student_card', StudentCardCard],
]);

/** The person's cards, in the order the server gave. */
function Cards({ me }: { me: Me }) {
  return (
    <>
      {me.home.cards.map((name) => {
        const Card = CARDS.get(name);
        return Card ? <Card key={name} me={me} /> : null;
      })}
    </>
  );
}

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
      {/* Signed in: the cards of the person's role, in the server's order. */}
      {auth.status === 'signed-in' && <Cards me={auth.me} />}
      {/* Offline after signing in: the next class, from the stored timetable. */}
      {auth.status === 'offline' && auth.wasSignedIn && <NextClassCard owner={null} />}
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
