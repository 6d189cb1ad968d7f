import type { JSX } from 'preact';
import { useI18n } from '../i18n';
import { useUnread } from '../messages/unread';
import { ROUTES, type RouteId, type Tab } from '../router';
import { CalendarIcon, DirectoryIcon, HelpIcon, HomeIcon, MessageIcon, MoreIcon, ServicesIcon } from './Icons';

const ICONS: Record<Tab, () => JSX.Element> = {
  home: HomeIcon,
  timetable: CalendarIcon,
  messages: MessageIcon,
  help: HelpIcon,
  directory: DirectoryIcon,
  services: ServicesIcon,
  more: MoreIcon,
};

/** The bottom navigation: `tabs` in their order (the person's role's, see `navTabs`). */
export function BottomNav({ tabs, active }: { tabs: readonly Tab[]; active: RouteId }) {
  const { t } = useI18n();
  const unread = useUnread();
  return (
    <nav class="bottom-nav" aria-label={t('nav.label')}>
      <ul>
        {tabs.map((tab) => {
          const Icon = ICONS[tab];
          const route = ROUTES[tab];
          return (
            <li key={tab}>
              <a href={route.path} class="tab" data-tab={tab} aria-current={tab === active ? 'page' : undefined}>
                <Icon />
                <span class="tab-label">{t(route.label)}</span>
                {tab === 'messages' && unread > 0 && (
                  <span class="tab-badge" data-testid="messages-badge" aria-label={t('messages.unreadCount', { n: String(unread) })}>
                    {unread > 99 ? '99+' : unread}
                  </span>
                )}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
