import type { Lang } from './index';

/** The university's time zone: dates and times are always shown in it. */
export const TIME_ZONE = 'Europe/Paris';

const LOCALES: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' };

/** A date and time in the university's time zone, e.g. « lundi 2 septembre 2024 à 08:30 ». */
export function formatDateTime(value: Date | string, lang: Lang, timeZone: string = TIME_ZONE): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'full', timeStyle: 'short', timeZone }).format(
    typeof value === 'string' ? new Date(value) : value,
  );
}

/** A time of day in the university's time zone, e.g. « 08:30 ». */
export function formatTime(value: Date | string, lang: Lang, timeZone: string = TIME_ZONE): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { hour: '2-digit', minute: '2-digit', timeZone }).format(
    typeof value === 'string' ? new Date(value) : value,
  );
}

/** A compact date and time in the university's time zone, e.g. « 2 sept. 2024, 08:30 ». */
export function formatShortDateTime(value: Date | string, lang: Lang, timeZone: string = TIME_ZONE): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
    typeof value === 'string' ? new Date(value) : value,
  );
}
