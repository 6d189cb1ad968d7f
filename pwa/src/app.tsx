import { useEffect, useRef } from 'preact/hooks';
import { BottomNav } from './components/BottomNav';
import { OfflineBanner } from './components/OfflineBanner';
import { sameOriginPath, useConfig } from './config';
import { useI18n } from './i18n';
import { Home } from './pages/Home';
import { More } from './pages/More';
import { NotFound, Soon } from './pages/Soon';
import { matchRoute, usePath, type RouteId } from './router';

function Page({ route }: { route: RouteId }) {
  switch (route) {
    case 'home':
      return <Home />;
    case 'timetable':
      return <Soon title="page.timetable" />;
    case 'messages':
      return <Soon title="page.messages" />;
    case 'help':
      return <Soon title="page.help" />;
    case 'more':
      return <More />;
    default:
      return <NotFound />;
  }
}

export function App() {
  const path = usePath();
  const route = matchRoute(path);
  const { t } = useI18n();
  const config = useConfig();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

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
  return (
    <div class="shell" data-route={route}>
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
      <main id="main" ref={main} tabIndex={-1}>
        <Page route={route} />
      </main>
      <BottomNav active={route} />
    </div>
  );
}
