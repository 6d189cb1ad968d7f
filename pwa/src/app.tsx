import { useEffect, useRef } from 'preact/hooks';
import { ReauthDialog } from './accounts/reauth';
import { rememberNext, useAuth, type AuthState } from './auth';
import { BottomNav } from './components/BottomNav';
import { OfflineBanner } from './components/OfflineBanner';
import { sameOriginPath, useConfig } from './config';
import { useI18n } from './i18n';
import { syncPush } from './push/device';
import { isHelpStaff } from './api/help';
import { Activation } from './pages/Activation';
import { ConnectionHelp } from './pages/ConnectionHelp';
import { Contacts } from './pages/Contacts';
import { HelpHome, HelpNew, HelpRequest } from './pages/Help';
import { HelpQueues } from './pages/HelpQueues';
import { Home } from './pages/Home';
import { Login } from './pages/Login';
import { onLive, startLive, stopLive } from './messages/live';
import { delivered, flushOutbox, loadOutbox } from './messages/outbox';
import { refreshUnread, resetUnread } from './messages/unread';
import { forgetConversations, MessagesHome, MessagesNew, MessageThread } from './pages/Messages';
import { More } from './pages/More';
import { News, NewsDetail } from './pages/News';
import { Notifications } from './pages/Notifications';
import { RecoveryLink, RecoveryRequest } from './pages/Recovery';
import { SecretariatPerson, SecretariatSearch } from './pages/Secretariat';
import { Activity, ChangePassword, Devices, PhoneBanner, PhoneVerification, SecurityHome, TwoFactor } from './pages/Security';
import { NotFound } from './pages/Soon';
import { Timetable } from './pages/Timetable';
import { NewsPublish } from './pages/NewsPublish';
import { TimetableGroups } from './pages/TimetableGroups';
import { matchRoute, matchScreen, navigate, PUBLIC_SCREENS, usePath, type Screen } from './router';

function Page({ screen, auth }: { screen: Screen; auth: AuthState }) {
  const signedIn = auth.status === 'signed-in';
  switch (screen.id) {
    case 'home':
      return <Home />;
    case 'timetable':
      return <Timetable />;
    case 'messages':
      return <MessagesHome />;
    case 'messages-new':
      return <MessagesNew />;
    case 'messages-thread':
      return 'conversationId' in screen ? <MessageThread key={screen.conversationId} id={screen.conversationId} /> : <NotFound />;
    case 'help':
      return <HelpHome />;
    case 'help-new':
      return <HelpNew />;
    case 'help-request':
      return 'requestId' in screen ? <HelpRequest id={screen.requestId} /> : <NotFound />;
    case 'help-queues':
      return signedIn && isHelpStaff(auth.me.permissions) ? <HelpQueues /> : <NotFound />;
    case 'help-connection':
      return <ConnectionHelp />;
    case 'more':
      return <More />;
    case 'login':
      return <Login />;
    case 'activation':
      return <Activation />;
    case 'recovery':
      return <RecoveryRequest />;
    case 'recovery-link':
      return 'token' in screen ? <RecoveryLink token={screen.token} /> : <NotFound />;
    case 'contacts':
      return <Contacts />;
    case 'security':
      return <SecurityHome />;
    case 'security-password':
      return <ChangePassword />;
    case 'security-devices':
      return <Devices />;
    case 'security-activity':
      return <Activity />;
    case 'security-two-factor':
      return <TwoFactor />;
    case 'security-phone':
      return <PhoneVerification />;
    case 'notifications':
      return <Notifications />;
    case 'secretariat':
      return signedIn && auth.me.permissions.includes('accounts') ? <SecretariatSearch /> : <NotFound />;
    case 'secretariat-person':
      return signedIn && auth.me.permissions.includes('accounts') && 'personId' in screen ? (
        <SecretariatPerson personId={screen.personId} />
      ) : (
        <NotFound />
      );
    case 'news':
      return <News />;
    case 'news-item':
      return 'newsId' in screen ? <NewsDetail id={screen.newsId} /> : <NotFound />;
    case 'news-publish':
      return signedIn && auth.me.permissions.includes('publishing') ? <NewsPublish /> : <NotFound />;
    case 'timetable-groups':
      return signedIn && auth.me.permissions.includes('timetable') ? <TimetableGroups /> : <NotFound />;
    default:
      return <NotFound />;
  }
}

/** Signed in, or offline after having been signed in on this device: the whole app. */
const hasApp = (auth: AuthState) => auth.status === 'signed-in' || (auth.status === 'offline' && auth.wasSignedIn);

export function App() {
  const path = usePath();
  const auth = useAuth();
  const screen = matchScreen(path);
  const { t } = useI18n();
  const config = useConfig();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  const isPublic = PUBLIC_SCREENS.has(screen.id);
  const inApp = hasApp(auth);
  const gated = !inApp && !isPublic && auth.status !== 'loading';

  // Not signed in: the login screen, coming back here afterwards. Signed in: no login screen.
  useEffect(() => {
    if (gated) {
      rememberNext(location.pathname + location.search);
      navigate('/login', { replace: true });
    } else if (screen.id === 'login' && auth.status === 'signed-in') {
      navigate('/', { replace: true });
    }
  }, [gated, screen.id, auth.status]);

  // Signed in: make the server's view of this device's notifications match the browser's.
  const personId = auth.status === 'signed-in' ? auth.me.person_id : null;
  useEffect(() => {
    if (personId) void syncPush(personId);
  }, [personId]);

  // The « Messages » tab's badge: asked when signed in, gone when signed out.
  useEffect(() => {
    if (personId) void refreshUnread();
    else {
      resetUnread();
      forgetConversations();
    }
  }, [personId]);

  // Live messages while signed in (the stream is closed when hidden and at sign-out).
  useEffect(() => {
    if (!personId) return;
    startLive();
    // Messages kept on this device go at start, when the network comes back and when the stream
    // reopens; one of mine arriving live (sent from here) is no longer waiting.
    const flush = () => {
      if (navigator.onLine !== false) void flushOutbox();
    };
    void loadOutbox(personId).then(flush);
    window.addEventListener('online', flush);
    const stopEvents = onLive((event) => {
      if (event.type === 'open') flush();
      else if (event.type === 'message' && event.message.author_id === personId) void delivered(event.message);
    });
    return () => {
      stopLive();
      stopEvents();
      window.removeEventListener('online', flush);
    };
  }, [personId]);

  // Move focus to the new page for screen readers (not on first load).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
  }, [path]);

  const shortName = config.status === 'ready' ? config.config.university.short_name : t('app.name');
  const logo = config.status === 'ready' ? sameOriginPath(config.config.branding.logo_url) : null;
  const showNav = inApp;
  return (
    <div class={`shell${showNav ? '' : ' shell-public'}`} data-route={matchRoute(path)} data-screen={screen.id}>
      <a class="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header class="app-header">
        <a href="/" class="brand">
          <img src={logo ?? '/icons/logo.svg'} alt="" width="32" height="32" />
          <span data-testid="short-name">{shortName}</span>
        </a>
      </header>
      <OfflineBanner />
      <main id="main" ref={main} tabIndex={-1} aria-busy={auth.status === 'loading' ? true : undefined}>
        {screen.id !== 'security-phone' && <PhoneBanner />}
        {auth.status === 'loading' || gated ? null : <Page screen={screen} auth={auth} />}
      </main>
      {showNav && <BottomNav active={matchRoute(path)} />}
      <ReauthDialog />
    </div>
  );
}
