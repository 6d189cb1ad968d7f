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

/**
 * A calendar date (`YYYY-MM-DD`, already the university's local date), e.g. « mercredi 2
 * décembre » (`long`), « mer. 2 déc. » (`short`), « mercredi 2 décembre 2026 » (`full`) or
 * « 2 décembre 2026 » (`date`).
 */
export function formatDay(day: string, lang: Lang, style: 'long' | 'short' | 'full' | 'date' = 'long'): string {
  const options: Intl.DateTimeFormatOptions =
    style === 'short'
      ? { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }
      : style === 'full'
        ? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }
        : style === 'date'
          ? { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }
          : { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' };
  // Noon UTC: the same date whatever the zone the formatter is in.
  return new Intl.DateTimeFormat(LOCALES[lang], options).format(new Date(`${day}T12:00:00Z`));
}

/** A day and month in the university's time zone, e.g. « 2 décembre ». */
export function formatDayMonth(value: Date | string | number, lang: Lang, timeZone: string = TIME_ZONE): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { day: 'numeric', month: 'long', timeZone }).format(
    typeof value === 'string' || typeof value === 'number' ? new Date(value) : value,
  );
}
