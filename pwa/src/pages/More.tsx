import { useState } from 'preact/hooks';
import { seesDirectory } from '../api/directory';
import { signOut, useAuth, useTabs } from '../auth';
import { SecretariatContacts } from '../components/Contacts';
import { Button } from '../components/Form';
import { InstallSection } from '../components/InstallCard';
import { BellIcon, CalendarIcon, ChevronIcon, ShieldIcon } from '../components/Icons';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useConfig } from '../config';
import { useI18n, type MessageKey } from '../i18n';
import { ROUTES, type Tab } from '../router';

interface Link {
  href: string;
  label: MessageKey;
  testId?: string;
}

/**
 * The sections a role's bottom navigation may leave out, reached from here when it does (never
 * twice: a section that is a tab has no link here). The directory only for the roles it is open to.
 */
const SECTIONS: { tab: Tab; label: MessageKey; testId: string; open?: (role: string | null) => boolean }[] = [
  { tab: 'timetable', label: 'nav.timetable', testId: 'timetable-link' },
  { tab: 'messages', label: 'nav.messages', testId: 'messages-link' },
  { tab: 'help', label: 'nav.help', testId: 'help-link' },
  { tab: 'directory', label: 'account.directory', testId: 'directory-link', open: seesDirectory },
  { tab: 'services', label: 'more.allServices', testId: 'services-link' },
];

/** The links of « Liens utiles »: the sections that are not tabs, then the assistance. */
function useLinks(): Link[] {
  const auth = useAuth();
  const tabs = useTabs();
  const role = auth.status === 'signed-in' ? auth.me.role : null;
  const sections = SECTIONS.filter((s) => !tabs.includes(s.tab) && (s.open?.(role) ?? true));
  return [...sections.map((s) => ({ href: ROUTES[s.tab].path, label: s.label, testId: s.testId })), { href: '/contacts', label: 'more.assistance' }];
}

/** Mon compte: who is signed in, Sécurité, the secretariat's tools, « Se déconnecter ». */
function AccountSection() {
  const { t } = useI18n();
  const auth = useAuth();
  const [busy, setBusy] = useState(false);
  if (auth.status !== 'signed-in') return null;
  const { me } = auth;
  return (
    <section class="card" aria-labelledby="account-title">
      <h2 id="account-title">{t('account.title')}</h2>
      <p data-testid="me-name">
        <strong>
          {me.given_name} {me.family_name}
        </strong>
        <span class="muted block">{me.institutional_email ?? me.identifier}</span>
      </p>
      <ul class="link-list">
        <li>
          <a class="list-link" href="/more/security" data-testid="security-link">
            <span class="with-icon">
              <ShieldIcon />
              {t('account.security')}
            </span>
            <ChevronIcon />
          </a>
        </li>
        <li>
          <a class="list-link" href="/more/notifications" data-testid="notifications-link">
            <span class="with-icon">
              <BellIcon />
              {t('account.notifications')}
            </span>
            <ChevronIcon />
          </a>
        </li>
        {me.permissions.includes('timetable') && (
          <li>
            <a class="list-link" href="/more/timetable-groups" data-testid="timetable-groups-link">
              <span class="with-icon">
                <CalendarIcon />
                {t('account.timetableGroups')}
              </span>
              <ChevronIcon />
            </a>
          </li>
        )}
        {(me.role === 'student' || me.role === 'teacher') && (
          <li>
            <a class="list-link" href="/courses" data-testid="courses-link">
              <span>{t('page.courses')}</span>
              <ChevronIcon />
            </a>
          </li>
        )}
        {me.role === 'student' && (
          <li>
            <a class="list-link" href="/registration" data-testid="registration-link">
              <span>{t('page.registration')}</span>
              <ChevronIcon />
            </a>
          </li>
        )}
        {me.role === 'student' && (
          <li>
            <a class="list-link" href="/card" data-testid="card-link">
              <span>{t('card.homeTitle')}</span>
              <ChevronIcon />
            </a>
          </li>
        )}
        {me.permissions.includes('publishing') && (
          <li>
            <a class="list-link" href="/more/news" data-testid="publishing-link">
              <span>{t('account.publishing')}</span>
              <ChevronIcon />
            </a>
          </li>
        )}
        {me.permissions.includes('accounts') && (
          <li>
            <a class="list-link" href="/more/secretariat" data-testid="secretariat-link">
              <span>{t('account.secretariat')}</span>
              <ChevronIcon />
            </a>
          </li>
        )}
      </ul>
      <Button
        type="button"
        variant="secondary"
        busy={busy}
        onClick={() => {
          setBusy(true);
          void signOut();
        }}
      >
        {t('account.logout')}
      </Button>
    </section>
  );
}

export function More() {
  const { t } = useI18n();
  const state = useConfig();
  const links = useLinks();
  return (
    <>
      <h1>{t('page.more')}</h1>
      <AccountSection />
      <LanguageSwitch />
      <InstallSection />
      <section class="card" aria-labelledby="links-title">
        <h2 id="links-title">{t('more.links')}</h2>
        <ul class="link-list">
          {links.map((link) => (
            <li key={link.label}>
              <a class="list-link" href={link.href} data-testid={link.testId}>
                <span>{t(link.label)}</span>
                <ChevronIcon />
              </a>
            </li>
          ))}
          {state.status === 'ready' && state.config.university.website && (
            <li>
              <a class="list-link" href={state.config.university.website} rel="external noopener" target="_blank">
                <span>{t('home.website')}</span>
                <ChevronIcon />
              </a>
            </li>
          )}
        </ul>
      </section>
      <section class="card" aria-labelledby="secretariat-title">
        <h2 id="secretariat-title">{t('more.secretariat')}</h2>
        <SecretariatContacts titleId="secretariat-title" />
      </section>
    </>
  );
}
