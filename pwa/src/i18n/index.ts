import { useEffect, useState } from 'preact/hooks';
import { en } from './en';
import { fr } from './fr';

export type MessageKey = keyof typeof fr;
/** Every catalogue has exactly the keys of the French one. */
export type Messages = Record<MessageKey, string>;

export const LANGUAGES = ['fr', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'fr';
export const STORAGE_KEY = 'ent.lang';

export const catalogues: Record<Lang, Messages> = { fr, en };

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

let current: Lang = initialLang(readStored(), browserLanguages());
const listeners = new Set<(lang: Lang) => void>();

export function getLang(): Lang {
  return current;
}

/** Translate a key, replacing `{name}` placeholders with params. */
export function translate(lang: Lang, key: MessageKey, params?: Record<string, string>): string {
  let text = catalogues[lang][key];
  if (params) {
    for (const [name, value] of Object.entries(params)) text = text.split(`{${name}}`).join(value);
  }
  return text;
}

/** Whether `key` is in the catalogues (for keys built from values the server sends). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(catalogues.fr, key);
}

export function t(key: MessageKey, params?: Record<string, string>): string {
  return translate(current, key, params);
}

function applyToDocument(lang: Lang): void {
  if (typeof document === 'undefined') return;
  document.documentElement.lang = lang;
  document.title = translate(lang, 'app.title');
}

/** Change the language, remember it and tell every subscriber. */
export function setLang(lang: Lang): void {
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
  applyToDocument(lang);
  for (const listener of listeners) listener(lang);
}

export function onLangChange(listener: (lang: Lang) => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Re-read the stored choice (used at start-up and by tests). */
export function resetLangFromEnvironment(): Lang {
  current = initialLang(readStored(), browserLanguages());
  applyToDocument(current);
  return current;
}

/** Hook: the current language and a bound translate function; re-renders on change. */
export function useI18n(): { lang: Lang; t: typeof t } {
  const [lang, setLocal] = useState<Lang>(current);
  useEffect(() => onLangChange(setLocal), []);
  return { lang, t: (key, params) => translate(lang, key, params) };
}
