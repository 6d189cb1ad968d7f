import { LANGUAGES, setLang, useI18n } from '../i18n';

/** Français / English, as a two-button segmented control. */
export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const { lang, t } = useI18n();
  if (compact) {
    return (
      <div class="segmented segmented-compact" role="group" aria-label={t('more.language')}>
        {LANGUAGES.map((code) => (
          <button key={code} type="button" lang={code} data-lang={code} aria-pressed={lang === code} onClick={() => setLang(code)}>
            {t(code === 'fr' ? 'lang.fr' : 'lang.en')}
          </button>
        ))}
      </div>
    );
  }
  return (
    <section class="card" aria-labelledby="language-title">
      <h2 id="language-title">{t('more.language')}</h2>
      <p class="muted" id="language-hint">
        {t('more.languageHint')}
      </p>
      <div class="segmented" role="group" aria-labelledby="language-title" aria-describedby="language-hint">
        {LANGUAGES.map((code) => (
          <button key={code} type="button" lang={code} data-lang={code} aria-pressed={lang === code} onClick={() => setLang(code)}>
            {t(code === 'fr' ? 'lang.fr' : 'lang.en')}
          </button>
        ))}
      </div>
    </section>
  );
}
