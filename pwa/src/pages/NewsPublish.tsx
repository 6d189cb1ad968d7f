// « Publier une actualité » (staff with the `publishing` permission): every item with its state,
// the form to write or edit one (with a live preview through the same safe Markdown renderer
// as the reading side), and withdrawal after a confirmation.
import { useState } from 'preact/hooks';
import { publishing, type AudienceRole, type ManagedNews, type NewsState } from '../api/news';
import type { Failure } from '../api/problems';
import { Dialog } from '../components/Dialog';
import { Button, Checkbox, Field, Notice, ProblemAlert } from '../components/Form';
import { useLoad } from '../components/useLoad';
import { useConfig } from '../config';
import { useI18n, type MessageKey } from '../i18n';
import { formatShortDateTime, TIME_ZONE } from '../i18n/format';
import { draftOf, emptyForm, formOfItem, ROLES, TITLE_MAX, type FormErrors, type NewsForm } from '../news/draft';
import { resetNews } from '../news/feed';
import { Markdown } from '../news/markdown';

const STATE_LABEL: Record<NewsState, MessageKey> = {
  scheduled: 'publish.state.scheduled',
  published: 'publish.state.published',
  expired: 'publish.state.expired',
  withdrawn: 'publish.state.withdrawn',
};

const ROLE_LABEL: Record<AudienceRole, MessageKey> = {
  student: 'publish.role.student',
  teacher: 'publish.role.teacher',
  staff: 'publish.role.staff',
};

const ERROR_LABEL: Record<string, MessageKey> = {
  required: 'publish.error.required',
  'too-long': 'publish.error.tooLong',
  https: 'publish.error.https',
  audience: 'publish.error.audience',
  date: 'publish.error.date',
  'expires-before': 'publish.error.expiresBefore',
};

function useTimeZone(): { timeZone: string; campuses: { code: string; name: string }[] } {
  const config = useConfig();
  if (config.status !== 'ready') return { timeZone: TIME_ZONE, campuses: [] };
  return { timeZone: config.config.time_zone || TIME_ZONE, campuses: config.config.campuses };
}

/** The form of a new item or of `existing`; calls `onSaved` with what the server answered. */
export function NewsEditor({ existing, onDone }: { existing?: ManagedNews; onDone: (saved: ManagedNews | null) => void }) {
  const { t } = useI18n();
  const { timeZone, campuses } = useTimeZone();
  const [form, setForm] = useState<NewsForm>(() => (existing ? formOfItem(existing, timeZone) : emptyForm(timeZone)));
  const [errors, setErrors] = useState<FormErrors>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const update = (patch: Partial<NewsForm>) => setForm((f) => ({ ...f, ...patch }));
  const err = (field: keyof FormErrors) => {
    const code = errors[field];
    return code ? t(ERROR_LABEL[code] ?? 'publish.error.required', { max: String(TITLE_MAX) }) : null;
  };
  const toggle = <T,>(list: T[], value: T, on: boolean) => (on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value));

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(null);
    const draft = draftOf(form, timeZone, { existing });
    if (!draft.ok) {
      setErrors(draft.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    const outcome = existing ? await publishing.edit(existing.id, draft.body) : await publishing.publish(draft.body);
    setBusy(false);
    if (outcome.ok) {
      resetNews();
      onDone(outcome.data);
    } else setFailure(outcome.failure);
  };

  return (
    <form class="card news-editor" onSubmit={(e) => void submit(e)} noValidate data-testid="news-form">
      <h2>{existing ? t('publish.editTitle') : t('publish.newTitle')}</h2>
      <Field label={t('publish.field.title')} value={form.title} onValue={(title) => update({ title })} error={err('title')} name="title" maxLength={TITLE_MAX} required />
      <div class="field">
        <label for="news-body">{t('publish.field.body')}</label>
        <textarea
          id="news-body"
          name="body"
          class="input"
          rows={6}
          value={form.body}
          onInput={(e) => update({ body: e.currentTarget.value })}
          aria-describedby="news-body-hint"
          aria-invalid={errors.body ? true : undefined}
        />
        <p class="hint" id="news-body-hint">
          {t('publish.field.bodyHint')}
        </p>
        {errors.body && <p class="field-error">{err('body')}</p>}
      </div>
      <section class="news-preview" aria-label={t('publish.preview')} data-testid="news-preview">
        <p class="muted">{t('publish.preview')}</p>
        {form.title.trim() && <h3>{form.title}</h3>}
        <Markdown source={form.body} />
      </section>
      <Field
        label={t('publish.field.link')}
        hint={t('publish.field.linkHint')}
        value={form.link}
        onValue={(link) => update({ link })}
        error={err('link')}
        name="link"
        inputMode="text"
        autocapitalize="none"
        autocorrect="off"
        spellcheck={false}
      />
      <fieldset class="fieldset" aria-invalid={errors.audience ? true : undefined}>
        <legend>{t('publish.audience')}</legend>
        <Checkbox label={t('publish.everyone')} checked={form.everyone} onChange={(everyone) => update({ everyone })} name="everyone" />
        {!form.everyone && (
          <div data-testid="news-audience">
            <p class="hint">{t('publish.audienceHint')}</p>
            {ROLES.map((role) => (
              <Checkbox key={role} label={t(ROLE_LABEL[role])} checked={form.roles.includes(role)} onChange={(on) => update({ roles: toggle(form.roles, role, on) })} name={`role-${role}`} />
            ))}
            {campuses.map((campus) => (
              <Checkbox
                key={campus.code}
                label={t('publish.campus', { name: campus.name })}
                checked={form.campuses.includes(campus.code)}
                onChange={(on) => update({ campuses: toggle(form.campuses, campus.code, on) })}
                name={`campus-${campus.code}`}
              />
            ))}
            <Field label={t('publish.field.groups')} hint={t('publish.field.groupsHint')} value={form.groups} onValue={(groups) => update({ groups })} name="groups" autocapitalize="none" autocorrect="off" spellcheck={false} />
          </div>
        )}
        {errors.audience && <p class="field-error">{err('audience')}</p>}
      </fieldset>
      <fieldset class="fieldset">
        <legend>{t('publish.field.publishAt')}</legend>
        <Field label={t('publish.field.day')} type="date" value={form.publishDay} onValue={(publishDay) => update({ publishDay })} name="publish-day" error={err('publish')} />
        <Field label={t('publish.field.time')} type="time" value={form.publishTime} onValue={(publishTime) => update({ publishTime })} name="publish-time" />
        <p class="hint">{t('publish.field.publishHint')}</p>
      </fieldset>
      <fieldset class="fieldset">
        <legend>{t('publish.field.expiresAt')}</legend>
        <Field label={t('publish.field.day')} type="date" value={form.expiresDay} onValue={(expiresDay) => update({ expiresDay })} name="expires-day" error={err('expires')} />
        <Field label={t('publish.field.time')} type="time" value={form.expiresTime} onValue={(expiresTime) => update({ expiresTime })} name="expires-time" />
      </fieldset>
      <Checkbox label={t('publish.pinned')} checked={form.pinned} onChange={(pinned) => update({ pinned })} name="pinned" />
      <Checkbox label={t('publish.urgent')} checked={form.urgent} onChange={(urgent) => update({ urgent })} name="urgent" />
      {form.urgent && (
        <p class="alert alert-warn" role="note" data-testid="news-urgent-warning">
          {t('publish.urgentWarning')}
        </p>
      )}
      <ProblemAlert failure={failure} />
      <Button busy={busy} testId="news-submit">
        {existing ? t('publish.save') : t('publish.submit')}
      </Button>
      <Button type="button" variant="secondary" onClick={() => onDone(null)} testId="news-cancel">
        {t('common.cancel')}
      </Button>
    </form>
  );
}

function audienceText(item: ManagedNews, t: (key: MessageKey, params?: Record<string, string>) => string): string {
  const a = item.audience;
  if (a.everyone) return t('publish.everyone');
  return [...a.roles.map((r) => t(ROLE_LABEL[r])), ...a.campuses, ...a.programs, ...a.groups].join(', ');
}

export function NewsPublish() {
  const { t, lang } = useI18n();
  const { timeZone } = useTimeZone();
  const list = useLoad(() => publishing.list());
  const [items, setItems] = useState<ManagedNews[] | null>(null);
  const [editing, setEditing] = useState<ManagedNews | 'new' | null>(null);
  const [withdrawing, setWithdrawing] = useState<ManagedNews | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<MessageKey | null>(null);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [loadingMore, setLoadingMore] = useState(false);

  const shown = items ?? list.data?.items ?? [];
  const cursor = next === undefined ? (list.data?.next_cursor ?? null) : next;

  const more = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    const outcome = await publishing.list(cursor);
    setLoadingMore(false);
    if (!outcome.ok) return setFailure(outcome.failure);
    const seen = new Set(shown.map((i) => i.id));
    setItems([...shown, ...outcome.data.items.filter((i) => !seen.has(i.id))]);
    setNext(outcome.data.next_cursor ?? null);
  };

  const withdraw = async (item: ManagedNews) => {
    setBusy(true);
    setFailure(null);
    const outcome = await publishing.withdraw(item.id);
    setBusy(false);
    setWithdrawing(null);
    if (!outcome.ok) return setFailure(outcome.failure);
    resetNews();
    setItems(shown.map((i) => (i.id === item.id ? { ...i, state: 'withdrawn' } : i)));
    setNotice('publish.withdrawn');
  };

  if (editing)
    return (
      <>
        <h1>{t('publish.title')}</h1>
        <NewsEditor
          existing={editing === 'new' ? undefined : editing}
          onDone={(saved) => {
            setEditing(null);
            if (!saved) return;
            const rest = shown.filter((i) => i.id !== saved.id);
            setItems(editing === 'new' ? [saved, ...rest] : shown.map((i) => (i.id === saved.id ? saved : i)));
            setNotice(editing === 'new' ? 'publish.published' : 'publish.saved');
          }}
        />
      </>
    );

  return (
    <>
      <h1>{t('publish.title')}</h1>
      {notice && <Notice testId="publish-notice">{t(notice)}</Notice>}
      <Button type="button" onClick={() => (setNotice(null), setEditing('new'))} testId="news-new">
        {t('publish.new')}
      </Button>
      <ProblemAlert failure={failure} />
      {list.loading && !items && (
        <p class="muted" aria-busy="true">
          {t('news.loading')}
        </p>
      )}
      {list.failure && !items && (
        <ProblemAlert failure={list.failure}>
          <button type="button" class="button button-secondary" onClick={() => void list.reload()}>
            {t('home.retry')}
          </button>
        </ProblemAlert>
      )}
      {!list.loading && shown.length === 0 && !list.failure && <p class="muted">{t('news.empty')}</p>}
      {shown.length > 0 && (
        <ul class="publish-list" data-testid="publish-list">
          {shown.map((item) => (
            <li key={item.id} class="card publish-item" data-testid="publish-item" data-id={item.id} data-state={item.state}>
              <p>
                <strong data-testid="publish-item-title">{item.title}</strong>{' '}
                <span class={`badge badge-news-${item.state}`} data-testid="publish-state">
                  {t(STATE_LABEL[item.state])}
                </span>
                {item.pinned && <span class="badge">{t('news.pinned')}</span>}
                {item.urgent && <span class="badge badge-warn">{t('news.urgent')}</span>}
              </p>
              <p class="muted">
                {t('publish.when', { date: formatShortDateTime(item.publish_at, lang, timeZone) })}
                {item.expires_at && ` · ${t('publish.until', { date: formatShortDateTime(item.expires_at, lang, timeZone) })}`}
              </p>
              <p class="muted">{t('publish.for', { audience: audienceText(item, t) })}</p>
              {item.state !== 'withdrawn' && (
                <div class="item-actions">
                  <button type="button" class="button button-secondary" onClick={() => (setNotice(null), setEditing(item))} data-testid="publish-edit">
                    {t('publish.edit')}
                  </button>
                  <button type="button" class="button button-danger" onClick={() => setWithdrawing(item)} data-testid="publish-withdraw">
                    {t('publish.withdraw')}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <Button type="button" variant="secondary" busy={loadingMore} onClick={() => void more()} testId="publish-more">
          {t('news.more')}
        </Button>
      )}
      {withdrawing && (
        <Dialog title={t('publish.withdrawTitle')} onCancel={() => setWithdrawing(null)} testId="withdraw-dialog">
          <p>{t('publish.withdrawText', { title: withdrawing.title })}</p>
          <Button type="button" variant="danger" busy={busy} onClick={() => void withdraw(withdrawing)} testId="withdraw-confirm">
            {t('publish.withdraw')}
          </Button>
          <Button type="button" variant="secondary" onClick={() => setWithdrawing(null)}>
            {t('common.cancel')}
          </Button>
        </Dialog>
      )}
    </>
  );
}
