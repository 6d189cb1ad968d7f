// The timetable API: one function per call, each answering an Outcome (like accounts.ts).
// GET /api/me/timetable is conditional: the stored copy's ETag goes in If-None-Match and a 304
// means the copy is still right (see src/timetable/weeks.ts, which keeps it offline).
import { api, typed, type Outcome } from './client';
import { NETWORK_FAILURE, toFailure } from './problems';
import type { components } from './schema';

type Schemas = components['schemas'];
export type Timetable = Schemas['Timetable'];
export type TimetableEvent = Schemas['TimetableEvent'];
export type EventChange = Schemas['EventChange'];
export type Change = Schemas['Change'];
export type Kind = Schemas['Kind'];
export type CourseGroup = Schemas['CourseGroup'];
export type CalendarFeed = Schemas['CalendarFeed'];
export type EventEdit = Schemas['EventEdit'];

/** What GET /api/me/timetable answered: a new copy with its ETag, or 304 (the stored copy holds). */
export type WeekAnswer = { status: 'fresh'; data: Timetable; etag: string | null } | { status: 'not-modified'; etag: string | null };

/** The caller's classes from `from` to `to` (local dates, included), conditional on `etag`. */
export async function myTimetable(from: string, to: string, etag?: string | null): Promise<Outcome<WeekAnswer>> {
  let answer;
  try {
    answer = await api.GET('/me/timetable', {
      params: { query: { from, to }, header: etag ? { 'If-None-Match': etag } : {} },
    });
  } catch {
    return { ok: false, failure: NETWORK_FAILURE };
  }
  const { response } = answer;
  const tag = response.headers.get('ETag');
  if (response.status === 304) return { ok: true, data: { status: 'not-modified', etag: tag } };
  if (response.ok && answer.data) return { ok: true, data: { status: 'fresh', data: answer.data, etag: tag } };
  return { ok: false, failure: toFailure(answer.error, response) };
}

export const timetable = {
  /** Staff with the `timetable` permission (others: 404). */
  groups: () => typed(() => api.GET('/timetable/groups')),
  groupEvents: (code: string, from: string, to: string) =>
    typed(() => api.GET('/timetable/groups/{code}/events', { params: { path: { code }, query: { from, to } } })),
  edit: (id: number, body: EventEdit) => typed(() => api.PATCH('/timetable/events/{id}', { params: { path: { id } }, body })),
  /** The caller's calendar feed (no URL until one is made). */
  feed: () => typed(() => api.GET('/me/calendar-feed')),
  /** A new feed URL; the previous one stops working. */
  renewFeed: () => typed(() => api.POST('/me/calendar-feed')),
};
