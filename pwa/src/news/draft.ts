// The publishing form of a news item: what it holds as typed, the audience it means, and the
// POST/PUT body (checked here as the server would, so that the person is told at once).
import type { Audience, AudienceRole, ManagedNews, NewsDraft } from '../api/news';
import { isDay, isTime, localDay, localTime, zonedInstant } from '../timetable/dates';

// The server's limits (api/news/routes.rs).
export const TITLE_MAX = 200;
export const BODY_MAX = 20_000;
export const ROLES: readonly AudienceRole[] = ['student', 'teacher', 'staff'];

export interface NewsForm {
  title: string;
  body: string;
  link: string;
  everyone: boolean;
  roles: AudienceRole[];
  campuses: string[];
  /** Group codes, comma-separated. */
  groups: string;
  publishDay: string;
  publishTime: string;
  /** Empty: no expiry. */
  expiresDay: string;
  expiresTime: string;
  pinned: boolean;
  urgent: boolean;
}

export type FormField = 'title' | 'body' | 'link' | 'audience' | 'publish' | 'expires';
/** An error code per field (`required`, `too-long`, `https`, `audience`, `date`, `expires-before`). */
export type FormErrors = Partial<Record<FormField, string>>;

/** A new item's form: for everyone, published now. */
export function emptyForm(timeZone: string, now: Date = new Date()): NewsForm {
  return {
    title: '',
    body: '',
    link: '',
    everyone: true,
    roles: [],
    campuses: [],
    groups: '',
    publishDay: localDay(now, timeZone),
    publishTime: localTime(now, timeZone),
    expiresDay: '',
    expiresTime: '',
    pinned: false,
    urgent: false,
  };
}

/** The form of an existing item (to edit it). */
export function formOfItem(item: ManagedNews, timeZone: string): NewsForm {
  return {
    title: item.title,
    body: item.body,
    link: item.link_url ?? '',
    everyone: item.audience.everyone,
    roles: [...item.audience.roles],
    campuses: [...item.audience.campuses],
    groups: item.audience.groups.join(', '),
    publishDay: localDay(item.publish_at, timeZone),
    publishTime: localTime(item.publish_at, timeZone),
    expiresDay: item.expires_at ? localDay(item.expires_at, timeZone) : '',
    expiresTime: item.expires_at ? localTime(item.expires_at, timeZone) : '',
    pinned: item.pinned,
    urgent: item.urgent,
  };
}

/** « L1-INFO-TD2, M1-BIO » → ["L1-INFO-TD2", "M1-BIO"] (empty parts and repeats dropped). */
export const parseCodes = (text: string): string[] => [
  ...new Set(
    text
      .split(/[,;\s]+/)
      .map((code) => code.trim())
      .filter((code) => code !== ''),
  ),
];

/** The audience the form means: everyone, or the roles, campuses and groups chosen. */
export function audienceOf(form: NewsForm): Audience {
  if (form.everyone) return { everyone: true, roles: [], campuses: [], programs: [], groups: [] };
  return {
    everyone: false,
    roles: ROLES.filter((role) => form.roles.includes(role)),
    campuses: [...new Set(form.campuses)],
    programs: [],
    groups: parseCodes(form.groups),
  };
}

/** An absolute https URL (an optional link must be one). */
export function isHttps(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && !url.username && !url.password && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * The body for POST or PUT, or the error of each field. `publish_at` is left out when the
 * chosen time is not in the future (the server publishes now), except for an existing item whose
 * publication time was not changed (it keeps it).
 */
export function draftOf(
  form: NewsForm,
  timeZone: string,
  options: { now?: Date; existing?: ManagedNews } = {},
): { ok: true; body: NewsDraft } | { ok: false; errors: FormErrors } {
  const now = options.now ?? new Date();
  const errors: FormErrors = {};
  const title = form.title.trim();
  const body = form.body.trim();
  const link = form.link.trim();
  if (!title) errors.title = 'required';
  else if ([...title].length > TITLE_MAX) errors.title = 'too-long';
  if (!body) errors.body = 'required';
  else if ([...body].length > BODY_MAX) errors.body = 'too-long';
  if (link && !isHttps(link)) errors.link = 'https';
  const audience = audienceOf(form);
  if (!audience.everyone && audience.roles.length + audience.campuses.length + audience.groups.length === 0) errors.audience = 'audience';
  let publishAt: Date | null = null;
  if (!isDay(form.publishDay) || !isTime(form.publishTime)) errors.publish = 'date';
  else publishAt = zonedInstant(form.publishDay, form.publishTime, timeZone);
  let expiresAt: Date | null = null;
  if (form.expiresDay !== '' || form.expiresTime !== '') {
    if (!isDay(form.expiresDay) || !(form.expiresTime === '' || isTime(form.expiresTime))) errors.expires = 'date';
    else {
      expiresAt = zonedInstant(form.expiresDay, form.expiresTime || '23:59', timeZone);
      const from = publishAt && publishAt.getTime() > now.getTime() ? publishAt : now;
      if (expiresAt.getTime() <= from.getTime()) errors.expires = 'expires-before';
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const draft: NewsDraft = { title, body, audience, pinned: form.pinned, urgent: form.urgent };
  if (link) draft.link_url = link;
  if (options.existing?.image_url) draft.image_url = options.existing.image_url;
  const existing = options.existing;
  const unchanged =
    existing && publishAt && localDay(existing.publish_at, timeZone) === form.publishDay && localTime(existing.publish_at, timeZone) === form.publishTime;
  if (existing && unchanged) draft.publish_at = existing.publish_at;
  else if (publishAt && publishAt.getTime() > now.getTime()) draft.publish_at = publishAt.toISOString();
  if (expiresAt) draft.expires_at = expiresAt.toISOString();
  return { ok: true, body: draft };
}
