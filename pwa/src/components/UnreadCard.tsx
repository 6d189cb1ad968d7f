import { useI18n, type MessageKey } from '../i18n';
import { useUnread } from '../messages/unread';
import { help } from '../api/help';
import { ChevronIcon } from './Icons';
import { useLoad } from './useLoad';

/** « 1 message non lu » / « 3 messages non lus »: the catalogue's one and many forms. */
type Counted = { one: MessageKey; many: MessageKey };
const MESSAGES: Counted = { one: 'home.unreadMessage', many: 'home.unreadMessages' };
const ANSWERS: Counted = { one: 'home.unreadAnswer', many: 'home.unreadAnswers' };

function CountLink({ n, href, text, testId }: { n: number; href: string; text: Counted; testId: string }) {
  const { t } = useI18n();
  return (
    <li>
      <a class="list-link" href={href} data-testid={testId}>
        <span>{t(n === 1 ? text.one : text.many, { n: String(n) })}</span>
        <ChevronIcon />
      </a>
    </li>
  );
}

/**
 * « Nouveautés »: the unread messages (the tab's badge total) and the help requests the help desk
 * answered or changed since the person last opened them (`unread`, on the first page of theirs:
 * the latest activity comes first). « Rien de nouveau » when there is nothing.
 */
export function UnreadCard() {
  const { t } = useI18n();
  const messages = useUnread();
  const requests = useLoad(() => help.mine());
  const answers = (requests.data?.items ?? []).filter((r) => r.unread).length;
  if (messages === 0 && answers === 0) {
    // Nothing to say while the requests are asked: no « Rien de nouveau » that then changes.
    if (requests.loading) return null;
    return (
      <p class="card card-compact muted" data-testid="unread-none">
        {t('home.nothingNew')}
      </p>
    );
  }
  return (
    <section class="card" aria-labelledby="unread-title" data-testid="unread">
      <h2 id="unread-title">{t('home.unread')}</h2>
      <ul class="link-list">
        {messages > 0 && <CountLink n={messages} href="/messages" text={MESSAGES} testId="unread-messages" />}
        {answers > 0 && <CountLink n={answers} href="/help" text={ANSWERS} testId="unread-answers" />}
      </ul>
    </section>
  );
}
