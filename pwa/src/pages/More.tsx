import { InstallSection } from '../components/InstallCard';
import { ChevronIcon } from '../components/Icons';
import { useConfig } from '../config';
import { LANGUAGES, setLang, useI18n, type MessageKey } from '../i18n';

const LINKS: { href: string; label: MessageKey }[] = [
  { href: '/help', label: 'more.assistance' },
  { href: '/help', label: 'more.activate' },
  { href: '/help', label: 'more.allServices' },
];

function LanguageSwitch() {
  const { lang, t } = useI18n();
  return (
    <section class="card" aria-labelledby="language-title">
      <h2 id="language-title">{t('more.language')}</h2>
      <p class="muted" id="language-hint">
        {t('more.languageHint')}
      </p>
      <div class="segmented" role="group" aria-labelledby="language-title" aria-describedby="language-hint">
        {LANGUAGES.map((code) => (
          <button
            key={code}
            type="button"
            lang={code}
            data-lang={code}
            aria-pressed={lang === code}
            onClick={() => setLang(code)}
          >
            {t(code === 'fr' ? 'lang.fr' : 'lang.en')}
          </button>
        ))}
      </div>
    </section>
  );
}

export function More() {
  const { t } = useI18n();
  const state = useConfig();
  return (
    <>
      <h1>{t('page.more')}</h1>
      <LanguageSwitch />
      <InstallSection />
      <section class="card" aria-labelledby="links-title">
        <h2 id="links-title">{t('more.links')}</h2>
        <ul class="link-list">
          {LINKS.map((link) => (
            <li key={link.label}>
              <a class="list-link" href={link.href}>
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
      {state.status === 'ready' && state.config.secretariat.length > 0 && (
        <section class="card" aria-labelledby="secretariat-title">
          <h2 id="secretariat-title">{t('more.secretariat')}</h2>
          <ul class="contact-list">
            {state.config.secretariat.map((contact) => (
              <li key={contact.email}>
                <strong>{contact.name}</strong>
                <a href={`mailto:${contact.email}`}>{contact.email}</a>
                <a href={`tel:${contact.phone}`}>{contact.phone}</a>
                <span class="muted">{contact.hours}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
