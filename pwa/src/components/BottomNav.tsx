import type { JSX } from 'preact';
import { useI18n } from '../i18n';
import { useUnread } from '../messages/unread';
import { ROUTES, type RouteId } from '../router';
import { CalendarIcon, HelpIcon, HomeIcon, MessageIcon, MoreIcon } from './Icons';

const ICONS: Record<(typeof ROUTES)[number]['id'], () => JSX.Element> = {
  home: HomeIcon,
  timetable: CalendarIcon,
  messages: MessageIcon,
  help: HelpIcon,
  more: MoreIcon,
};

export function BottomNav({ active }: { active: RouteId }) {
  const { t } = useI18n();
  const unread = useUnread();
  return (
    <nav class="bottom-nav" aria-label={t('nav.label')}>
      <ul>
        {ROUTES.map((route) => {
          const Icon = ICONS[route.id];
          const current = route.id === active;
          return (
            <li key={route.id}>
              <a href={route.path} class="tab" data-tab={route.id} aria-current={current ? 'page' : undefined}>
                <Icon />
                <span class="tab-label">{t(route.label)}</span>
                {route.id === 'messages' && unread > 0 && (
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
