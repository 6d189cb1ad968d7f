import { useI18n, type MessageKey } from '../i18n';
import { ChevronIcon } from './Icons';

interface LinkCardProps {
  href: string;
  title: MessageKey;
  text: MessageKey;
  testId: string;
}

/** A home card that is one link to a tool: its name, what it is for. */
export function LinkCard({ href, title, text, testId }: LinkCardProps) {
  const { t } = useI18n();
  return (
    <a class="card card-link" href={href} data-testid={testId}>
      <span>
        <strong class="block">{t(title)}</strong>
        <span class="muted block">{t(text)}</span>
      </span>
      <ChevronIcon />
    </a>
  );
}

const PUBLISHING: LinkCardProps = { href: '/more/news', title: 'account.publishing', text: 'home.publishingText', testId: 'publishing-card' };
const STUDENT_CARD: LinkCardProps = { href: '/card', title: 'card.homeTitle', text: 'card.homeText', testId: 'student-card-link' };
const ACCOUNTS: LinkCardProps = { href: '/more/secretariat', title: 'home.accounts', text: 'home.accountsText', testId: 'accounts-card' };

/** « Publier une actualité » (permission `publishing`). */
export const PublishingCard = () => <LinkCard {...PUBLISHING} />;

/** « Administration des comptes » (permission `accounts`). */
export const AccountsCard = () => <LinkCard {...ACCOUNTS} />;

/** « Ma carte d’étudiant » (students): the card itself, and its QR code, are on /card. */
export const StudentCardCard = () => <LinkCard {...STUDENT_CARD} />;
