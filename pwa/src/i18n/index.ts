import { store, useStore } from '../store';
import type { fr } from './fr';

export type MessageKey = keyof typeof fr;
/** Every catalogue has exactly the keys of the French one. */
export type Messages = Record<MessageKey, string>;

export const LANGUAGES = ['fr', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'fr';
export const STORAGE_KEY = 'ent.lang';

/** The catalogues fetched so far: the one in use at start, the others when chosen. */
export const catalogues: Partial<Record<Lang, Messages>> = {};

const loaders: Record<Lang, () => Promise<Messages>> = {
  fr: () => import('./fr').then((m) => m.fr),
  en: () => import('./en').then((m) => m.en),
};

const loading: Partial<Record<Lang, Promise<void>>> = {};

/** Fetch a language's catalogue (its own chunk) if it is not there yet. */
export function loadCatalogue(lang: Lang): Promise<void> {
  if (catalogues[lang]) return Promise.resolve();
  return (loading[lang] ??= loaders[lang]().then(
    (messages) => {
      catalogues[lang] = messages;
      delete loading[lang];
    },
    (error: unknown) => {
      delete loading[lang]; // asked again at the next choice
      throw error;
    },
  ));
}

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Stored choice first, else the browser's language if it is English, else French. */
export function initialLang(stored: string | null, navigatorLanguages: readonly string[]): Lang {
  if (isLang(stored)) return stored;
  const first = navigatorLanguages[0]?.toLowerCase() ?? '';
  if (first === 'en' || first.startsWith('en-')) return 'en';
  return DEFAULT_LANG;
}

function readStored(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null; // storage disabled (private mode, policy)
  }
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

const language = store<Lang>(initialLang(readStored(), browserLanguages()));

export function getLang(): Lang {
  return language.value;
}

/** Translate a key, replacing `{name}` placeholders with params. */
export function translate(lang: Lang, key: MessageKey, params?: Record<string, string>): string {
  // Before its catalogue arrives, a language shows the one in use (or the key, at start only).
  let text = catalogues[lang]?.[key] ?? catalogues[language.value]?.[key] ?? key;
  if (params) {
    for (const [name, value] of Object.entries(params)) text = text.split(`{${name}}`).join(value);
  }
  return text;
}

/** Whether `key` is in the catalogues (for keys built from values the server sends). */
export function isMessageKey(key: string): key is MessageKey {
  // Every catalogue has the same keys: the one in use answers for all.
  return Object.prototype.hasOwnProperty.call(catalogues[language.value] ?? {}, key);
}

export function t(key: MessageKey, params?: Record<string, string>): string {
  return translate(language.value, key, params);
}

function applyToDocument(lang: Lang): void {
  if (typeof document === 'undefined') return;
  document.documentElement.lang = lang;
  document.title = translate(lang, 'app.title');
}

let wanted: Lang | null = null;

/** Change the language (once its catalogue is here), remember it and tell every subscriber. */
export function setLang(lang: Lang): void {
  wanted = lang;
  if (catalogues[lang]) switchTo(lang);
  // A later choice made while this catalogue was on its way wins; one that cannot be fetched
  // (offline before the worker had it) leaves the language as it was.
  else
    loadCatalogue(lang).then(
      () => wanted === lang && switchTo(lang),
      () => undefined,
    );
}

function switchTo(lang: Lang): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
  applyToDocument(lang);
  language.set(lang);
}

export const onLangChange = language.subscribe;

/** Re-read the stored choice (used at start-up and by tests). */
export function resetLangFromEnvironment(): Lang {
  const lang = initialLang(readStored(), browserLanguages());
  applyToDocument(lang);
  language.set(lang);
  return lang;
}

/** Hook: the current language and a bound translate function; re-renders on change. */
export function useI18n(): { lang: Lang; t: typeof t } {
  const lang = useStore(language);
  return { lang, t: (key, params) => translate(lang, key, params) };
}
