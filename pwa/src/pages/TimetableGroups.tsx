import { useEffect, useId, useState } from 'preact/hooks';
import { problemMessage, type Failure } from '../api/problems';
import { timetable, type EventEdit, type Timetable, type TimetableEvent } from '../api/timetable';
import { ClassCard } from '../components/ClassCard';
import { Dialog } from '../components/Dialog';
import { Button, Checkbox, Field, Notice, ProblemAlert } from '../components/Form';
import { ChevronIcon } from '../components/Icons';
import { useLoad } from '../components/useLoad';
import { useI18n, type MessageKey } from '../i18n';
import { formatDay, formatTime, TIME_ZONE } from '../i18n/format';
import { navigate, useSearch } from '../router';
import { addDays, isDay, isTime, localDay, localTime, mondayOf, today, weekDays, zonedInstant } from '../timetable/dates';
import { eventsOn, useNow } from '../timetable/weeks';

export const REASON_MAX = 300;
const ROOMS_MAX = 10;
const ROOM_MAX = 40;

type FieldName = 'date' | 'start' | 'end' | 'rooms' | 'reason';
type Translate = (key: MessageKey, params?: Record<string, string>) => string;

/** What the edit form holds (as typed). */
export interface EditForm {
  date: string;
  start: string;
  /** Empty: the class keeps its length. */
  end: string;
  rooms: string;
  /** Cancel a scheduled class, or restore a cancelled one. */
  toggle: boolean;
  reason: string;
}

export const formOf = (event: TimetableEvent, timeZone: string): EditForm => ({
  date: localDay(event.starts_at, timeZone),
  start: localTime(event.starts_at, timeZone),
  end: '',
  rooms: event.rooms.join(', '),
  toggle: false,
  reason: '',
});

/** « B204, B206 » → ["B204", "B206"] (empty parts dropped). */
export const parseRooms = (text: string): string[] =>
  text
    .split(/[,;]/)
    .map((r) => r.trim())
    .filter((r) => r !== '');

const sameRooms = (a: readonly string[], b: readonly string[]) => [...a].sort().join('\n') === [...b].sort().join('\n');

/**
 * The PATCH body for a form, or the problem of each field (checked here as the server would,
 * so that the person is told at once). An empty body is « nothing-to-change ».
 */
export function editOf(
  event: TimetableEvent,
  form: EditForm,
  timeZone: string,
): { ok: true; body: EventEdit } | { ok: false; errors: Partial<Record<FieldName | 'form', string>> } {
  const errors: Partial<Record<FieldName | 'form', string>> = {};
  if (!isDay(form.date)) errors.date = 'invalid-date';
  if (!isTime(form.start)) errors.start = 'invalid-time';
  if (form.end !== '' && !isTime(form.end)) errors.end = 'invalid-time';
  const rooms = parseRooms(form.rooms);
  if (rooms.length > ROOMS_MAX || rooms.some((r) => [...r].length > ROOM_MAX)) errors.rooms = 'invalid-rooms';
  if ([...form.reason.trim()].length > REASON_MAX) errors.reason = 'reason-too-long';
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const body: EventEdit = {};
  const startsAt = zonedInstant(form.date, form.start, timeZone);
  const length = Date.parse(event.ends_at) - Date.parse(event.starts_at);
  if (startsAt.getTime() !== Date.parse(event.starts_at)) body.starts_at = startsAt.toISOString();
  if (form.end !== '') {
    const endsAt = zonedInstant(form.date, form.end, timeZone);
    if (endsAt.getTime() <= startsAt.getTime()) return { ok: false, errors: { end: 'ends-before-start' } };
    // Moved: the server keeps the length unless told otherwise; not moved: the current end.
    const expected = body.starts_at ? startsAt.getTime() + length : Date.parse(event.ends_at);
    if (endsAt.getTime() !== expected) body.ends_at = endsAt.toISOString();
  }
  if (!sameRooms(rooms, event.rooms)) body.rooms = rooms;
  if (form.toggle) body.cancelled = event.status !== 'cancelled';
  if (Object.keys(body).length === 0) return { ok: false, errors: { form: 'nothing-to-change' } };
  const reason = form.reason.trim();
  if (reason) body.reason = reason;
  return { ok: true, body };
}

/** Which field a problem of PATCH /api/timetable/events/{id} belongs to. */
export function fieldOf(slug: string): FieldName | 'form' {
  switch (slug) {
    case 'ends-before-start':
      return 'end';
    case 'invalid-rooms':
      return 'rooms';
    case 'invalid-period':
    case 'invalid-date':
      return 'date';
    case 'reason-too-long':
      return 'reason';
    default:
      return 'form';
  }
}

function errorText(slug: string | undefined, t: Translate): string | null {
  if (!slug) return null;
  if (slug === 'invalid-date') return t('groups.error.date');
  if (slug === 'invalid-time') return t('groups.error.time');
  if (slug === 'reason-too-long') return t('groups.error.reason', { max: String(REASON_MAX) });
  return problemMessage({ slug, status: 400 }, t);
}

/** The lines of the confirmation: what will change. */
function summary(event: TimetableEvent, body: EventEdit, timeZone: string, t: Translate, lang: 'fr' | 'en'): string[] {
  const lines: string[] = [];
  if (body.starts_at || body.ends_at) {
    const start = body.starts_at ?? event.starts_at;
    const end =
      body.ends_at ?? (body.starts_at ? new Date(Date.parse(body.starts_at) + Date.parse(event.ends_at) - Date.parse(event.starts_at)).toISOString() : event.ends_at);
    lines.push(
      t('groups.summary.time', {
        day: formatDay(localDay(start, timeZone), lang, 'short'),
        start: formatTime(start, lang, timeZone),
        end: formatTime(end, lang, timeZone),
      }),
    );
  }
  if (body.rooms) lines.push(body.rooms.length > 0 ? t('groups.summary.rooms', { rooms: body.rooms.join(', ') }) : t('groups.summary.noRooms'));
  if (body.cancelled === true) lines.push(t('groups.summary.cancel'));
  if (body.cancelled === false) lines.push(t('groups.summary.restore'));
  if (body.reason) lines.push(t('timetable.reason', { reason: body.reason }));
  return lines;
}

/** The edit form of one class, then its confirmation, then PATCH. */
export function EditClassDialog({
  event,
  timeZone,
  onClose,
  onSaved,
}: {
  event: TimetableEvent;
  timeZone: string;
  onClose: () => void;
  onSaved: (event: TimetableEvent) => void;
}) {
  const { t, lang } = useI18n();
  const [form, setForm] = useState<EditForm>(() => formOf(event, timeZone));
  const [errors, setErrors] = useState<Partial<Record<FieldName | 'form', string>>>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [confirm, setConfirm] = useState<EventEdit | null>(null);
  const [busy, setBusy] = useState(false);
  const reasonId = `r-${useId()}`;
  const set = (patch: Partial<EditForm>) => {
    setForm({ ...form, ...patch });
    setErrors({});
  };
  const cancelled = event.status === 'cancelled';
  const length = Math.round((Date.parse(event.ends_at) - Date.parse(event.starts_at)) / 60_000);
  const duration = `${Math.floor(length / 60)} h ${String(length % 60).padStart(2, '0')}`;

  const next = (e: Event) => {
    e.preventDefault();
    setFailure(null);
    const edit = editOf(event, form, timeZone);
    if (!edit.ok) {
      setErrors(edit.errors);
      return;
    }
    setConfirm(edit.body);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (!confirm || busy) return;
    setBusy(true);
    const outcome = await timetable.edit(event.id, confirm);
    setBusy(false);
    if (outcome.ok) {
      onSaved(outcome.data);
      return;
    }
    // Back to the form, the problem under its field (or above the buttons).
    setConfirm(null);
    const field = fieldOf(outcome.failure.slug);
    if (field === 'form') setFailure(outcome.failure);
    else setErrors({ [field]: outcome.failure.slug });
  };

  const title = t('groups.editTitle', { title: event.title });
  if (confirm) {
    return (
      <Dialog title={t('groups.confirmTitle')} onCancel={onClose} testId="edit-dialog">
        <form class="form" onSubmit={(e) => void save(e)} data-testid="edit-confirm-step">
          <p>
            <strong>{event.title}</strong>
            <span class="muted block">
              {formatDay(localDay(event.starts_at, timeZone), lang, 'short')} · {formatTime(event.starts_at, lang, timeZone)} – {formatTime(event.ends_at, lang, timeZone)}
            </span>
          </p>
          <ul class="summary-list" data-testid="edit-summary">
            {summary(event, confirm, timeZone, t, lang).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <p class="hint">{t('groups.confirmText')}</p>
          <Button busy={busy} variant={confirm.cancelled ? 'danger' : 'primary'} testId="edit-confirm">
            {t('common.confirm')}
          </Button>
          <Button type="button" variant="secondary" onClick={() => setConfirm(null)}>
            {t('groups.back')}
          </Button>
        </form>
      </Dialog>
    );
  }
  return (
    <Dialog title={title} onCancel={onClose} testId="edit-dialog">
      <form class="form" onSubmit={next} noValidate data-testid="edit-form">
        <div class="time-range">
          <Field type="date" name="date" label={t('groups.date')} value={form.date} onValue={(date) => set({ date })} error={errorText(errors.date, t)} required />
          <Field type="time" step={60} name="start" label={t('groups.start')} value={form.start} onValue={(start) => set({ start })} error={errorText(errors.start, t)} required />
        </div>
        <Field
          type="time"
          step={60}
          name="end"
          label={t('groups.end')}
          hint={t('groups.endHint', { duration })}
          value={form.end}
          onValue={(end) => set({ end })}
          error={errorText(errors.end, t)}
        />
        <Field
          type="text"
          name="rooms"
          label={t('groups.rooms')}
          hint={t('groups.roomsHint')}
          value={form.rooms}
          onValue={(rooms) => set({ rooms })}
          error={errorText(errors.rooms, t)}
          spellcheck={false}
        />
        <Checkbox label={cancelled ? t('groups.restore') : t('groups.cancel')} checked={form.toggle} name="toggle" onChange={(toggle) => set({ toggle })} />
        <div class="field">
          <label for={reasonId}>{t('groups.reason')}</label>
          <textarea
            id={reasonId}
            name="reason"
            class="input"
            rows={3}
            maxLength={REASON_MAX}
            value={form.reason}
            onInput={(e) => set({ reason: e.currentTarget.value })}
            aria-describedby={`${reasonId}-hint${errors.reason ? ` ${reasonId}-error` : ''}`}
            aria-invalid={errors.reason ? true : undefined}
          />
          <p class="hint" id={`${reasonId}-hint`}>
            {t('groups.reasonHint', { count: String([...form.reason].length), max: String(REASON_MAX) })}
          </p>
          {errors.reason && (
            <p class="field-error" id={`${reasonId}-error`}>
              {errorText(errors.reason, t)}
            </p>
          )}
        </div>
        {errors.form && (
          <div class="alert alert-error" role="alert" data-testid="problem" data-problem={errors.form}>
            <p>{errorText(errors.form, t)}</p>
          </div>
        )}
        <ProblemAlert failure={failure} />
        <Button testId="edit-next">{t('groups.next')}</Button>
        {/* Not « Annuler »: next to « Annuler ce cours », it would say the opposite. */}
        <Button type="button" variant="secondary" onClick={onClose}>
          {t('groups.close')}
        </Button>
      </form>
    </Dialog>
  );
}

const groupsPath = (group: string, week: string) => `/more/timetable-groups?group=${encodeURIComponent(group)}&week=${week}`;

/** Plus → Emploi du temps des groupes (staff with the `timetable` permission). */
export function TimetableGroups() {
  const { t, lang } = useI18n();
  const groups = useLoad(timetable.groups);
  const params = new URLSearchParams(useSearch());
  const now = useNow();
  const group = params.get('group') ?? '';
  const askedWeek = params.get('week');
  const monday = mondayOf(isDay(askedWeek) ? askedWeek : today(TIME_ZONE, now));
  const [data, setData] = useState<{ key: string; timetable: Timetable } | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [editing, setEditing] = useState<TimetableEvent | null>(null);
  const [saved, setSaved] = useState<TimetableEvent | null>(null);
  const key = `${group}|${monday}`;

  const load = async () => {
    if (!group) return;
    setFailure(null);
    const outcome = await timetable.groupEvents(group, monday, addDays(monday, 6));
    if (outcome.ok) setData({ key, timetable: outcome.data });
    else setFailure(outcome.failure);
  };
  useEffect(() => {
    setData(null);
    setSaved(null);
    void load();
  }, [key]);

  const go = (nextGroup: string, week: string) => navigate(groupsPath(nextGroup, week), { replace: true });
  const shown = data?.key === key ? data.timetable : null;
  const tz = shown?.time_zone || TIME_ZONE;

  const onSaved = (event: TimetableEvent) => {
    setEditing(null);
    setSaved(event);
    setData((d) =>
      d && {
        ...d,
        timetable: { ...d.timetable, events: d.timetable.events.map((e) => (e.id === event.id ? event : e)) },
      },
    );
  };

  return (
    <>
      <a class="back-link" href="/more">
        ‹ {t('page.more')}
      </a>
      <h1>{t('groups.title')}</h1>
      <p class="lead">{t('groups.intro')}</p>
      {groups.failure && !groups.data && <ProblemAlert failure={groups.failure} />}
      {groups.loading && !groups.data && <p class="muted">{t('common.loading')}</p>}
      {groups.data && (
        <section class="card" aria-label={t('groups.pick')}>
          <div class="field">
            <label for="group-select">{t('groups.group')}</label>
            <select id="group-select" class="input" value={group} data-testid="group-select" onChange={(e) => go(e.currentTarget.value, monday)}>
              <option value="">{t('groups.pick')}</option>
              {groups.data.map((g) => (
                <option key={g.code} value={g.code}>
                  {g.name === g.code ? g.code : `${g.code} — ${g.name}`}
                </option>
              ))}
            </select>
          </div>
          {group && (
            <Field
              type="date"
              name="week"
              label={t('groups.week')}
              value={monday}
              onValue={() => undefined}
              onCommit={(value) => isDay(value) && go(group, mondayOf(value))}
            />
          )}
          {group && (
            <div class="pager">
              <button type="button" class="icon-button pager-prev" aria-label={t('timetable.previousWeek')} data-testid="week-previous" onClick={() => go(group, addDays(monday, -7))}>
                <ChevronIcon />
              </button>
              <div class="pager-title">
                <h2 data-testid="week-title">
                  {t('timetable.weekOf', { from: formatDay(monday, lang, 'short'), to: formatDay(addDays(monday, 6), lang, 'short') })}
                </h2>
              </div>
              <button type="button" class="icon-button" aria-label={t('timetable.nextWeek')} data-testid="week-next" onClick={() => go(group, addDays(monday, 7))}>
                <ChevronIcon />
              </button>
            </div>
          )}
        </section>
      )}
      {saved && (
        <Notice testId="edit-saved">
          <p>{t('groups.saved')}</p>
          <ClassCard event={saved} timeZone={tz} now={now} />
        </Notice>
      )}
      {failure && (
        <ProblemAlert failure={failure}>
          <button type="button" class="button button-secondary" onClick={() => void load()}>
            {t('common.retry')}
          </button>
        </ProblemAlert>
      )}
      {group && !shown && !failure && <p class="muted">{t('common.loading')}</p>}
      {shown && (
        <div data-testid="group-week">
          {weekDays(monday).map((d, i) => {
            const events = eventsOn(shown.events, d, tz);
            if (i >= 5 && events.length === 0) return null;
            return (
              <section key={d} class="week-day" data-day={d}>
                <h3 class="week-day-title">{formatDay(d, lang)}</h3>
                {events.length === 0 ? (
                  <p class="muted">{t('timetable.noClasses')}</p>
                ) : (
                  <ul class="class-list">
                    {events.map((event) => (
                      <li key={event.id}>
                        <ClassCard event={event} timeZone={tz} now={now} onSelect={setEditing} />
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            );
          })}
        </div>
      )}
      {editing && <EditClassDialog event={editing} timeZone={tz} onClose={() => setEditing(null)} onSaved={onSaved} />}
    </>
  );
}
