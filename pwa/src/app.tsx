import { useEffect, useRef } from 'preact/hooks';
import { ReauthDialog } from './accounts/reauth';
import { navTabs, rememberNext, useAuth, type AuthState } from './auth';
import { casRequest } from './cas';
import { BottomNav } from './components/BottomNav';
import { OfflineBanner } from './components/OfflineBanner';
import { PhoneBanner } from './components/PhoneBanner';
import { sameOriginPath, useConfig } from './config';
import { useI18n } from './i18n';
import { syncPush } from './push/device';
import { forgetConversations } from './messages/conversations';
import { onLive, startLive, stopLive } from './messages/live';
import { delivered, flushOutbox, loadOutbox } from './messages/outbox';
import { refreshUnread, resetUnread } from './messages/unread';
import { matchRoute, navigate, usePath } from './router';
import { isPublic as isPublicScreen, matchScreen, view } from './screens';

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
  const isPublic = isPublicScreen(screen.id);
  const inApp = hasApp(auth);
  const gated = !inApp && !isPublic && auth.status !== 'loading';

  // Not signed in: the login screen, coming back here afterwards. Signed in: no login screen,
  // unless a service asked for the person (`/login?cas=LR-…`): the login page takes them there.
  useEffect(() => {
    if (gated) {
      rememberNext(location.pathname + location.search);
      navigate('/login', { replace: true });
    } else if (screen.id === 'login' && auth.status === 'signed-in' && casRequest() === null) {
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
  const tabs = navTabs(auth);
  const route = matchRoute(path, tabs);
  return (
    <div class={`shell${showNav ? '' : ' shell-public'}`} data-route={route} data-screen={screen.id}>
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
        {auth.status === 'loading' || gated ? null : view(path, auth.status === 'signed-in' ? auth.me.permissions : null, auth.status === 'signed-in' ? auth.me.role : null)}
      </main>
      {showNav && <BottomNav tabs={tabs} active={route} />}
      <ReauthDialog />
    </div>
  );
}
