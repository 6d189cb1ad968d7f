// « Assistance »: my requests (/help), filing one (/help/new) and one request's thread
// (/help/{id}, which pushes and e-mails open), for its requester and for its queue's staff (who
// also see internal notes, assignments and, for requests filed without an account, the details
// given, and who take, release, answer and set the status). Every text the server sends
// (subjects, messages, names) is rendered as text, never as HTML.
import { useEffect, useState } from 'preact/hooks';
import { help, isHelpStaff, type HelpDetail, type HelpMessage, type HelpStatus, type HelpSummary } from '../api/help';
import type { Failure } from '../api/problems';
import { useAuth } from '../auth';
import { Button, Checkbox, Field, Notice, ProblemAlert, TextArea } from '../components/Form';
import { useLoad } from '../components/useLoad';
import { PagedList } from '../components/PagedList';
import { usePages } from '../components/usePages';
import { useI18n, type MessageKey } from '../i18n';
import { formatDay, formatShortDateTime } from '../i18n/format';
import {
  checkRequest,
  checkText,
  MESSAGE_MAX,
  REGISTRAR_LABEL,
  requesterBox,
  SETTABLE,
  STATUS_LABEL,
  SUBJECT_MAX,
  type RequestErrors,
  type RequestForm,
  type TextError,
} from '../help/model';
import { navigate } from '../router';

export const helpPath = (id: number) => `/help/${id}`;

/** Where « back » goes from a request opened by staff: the queue as they left it. */
let lastQueuePath = '/help/queues';
export function rememberQueuePath(path: string): void {
  lastQueuePath = path;
}

/** The message of a text check, with the field's limit. */
export function textError(t: ReturnType<typeof useI18n>['t'], error: TextError | undefined, max: number): string | null {
  if (!error) return null;
  return error === 'required' ? t('help.error.required') : t('help.error.tooLong', { max: String(max) });
}

export function StatusBadge({ status }: { status: HelpStatus }) {
  const { t } = useI18n();
  return (
    <span class={`badge badge-help-${status}`} data-testid="help-status" data-status={status}>
      {t(STATUS_LABEL[status])}
    </span>
  );
}

/** « Mes demandes » | « Demandes à traiter », for people who answer a help queue. */
export function HelpSwitch({ current }: { current: 'mine' | 'queues' }) {
  const { t } = useI18n();
  const auth = useAuth();
  if (auth.status !== 'signed-in' || !isHelpStaff(auth.me.permissions)) return null;
  return (
    <div class="segmented view-switch" role="group" aria-label={t('help.view')} data-testid="help-switch">
      <button type="button" aria-pressed={current === 'mine'} data-testid="help-switch-mine" onClick={() => navigate('/help')}>
        {t('help.mine')}
      </button>
      <button type="button" aria-pressed={current === 'queues'} data-testid="help-switch-queues" onClick={() => navigate(lastQueuePath)}>
        {t('help.queuesTab')}
      </button>
    </div>
  );
}

/** One line of « Mes demandes »: unread dot, subject, category, status, date of the last change. */
function RequestRow({ item }: { item: HelpSummary }) {
  const { t, lang } = useI18n();
  return (
    <li class={`help-row${item.unread ? ' help-unread' : ''}`} data-testid="help-item" data-id={item.id}>
      <a class="help-link" href={helpPath(item.id)}>
        {item.unread && (
          <span class="news-dot" data-testid="help-unread">
            <span class="visually-hidden">{t('help.unread')}</span>
          </span>
        )}
        <span class="help-text">
          <span class="help-subject" data-testid="help-subject">
            {item.subject}
          </span>
          <span class="muted block">
            {item.category_label} <StatusBadge status={item.status} />
          </span>
          <span class="muted help-date">{t('help.updatedAt', { date: formatShortDateTime(item.updated_at, lang) })}</span>
        </span>
      </a>
    </li>
  );
}

/** /help: the person's requests, latest activity first. */
export function HelpHome() {
  const { t } = useI18n();
  const pages = usePages((cursor) => help.mine(cursor), []);
  return (
    <>
      <h1>{t('page.help')}</h1>
      <HelpSwitch current="mine" />
      <p class="lead">{t('help.intro')}</p>
      <a class="button button-block" href="/help/new" data-testid="help-new">
        {t('help.new')}
      </a>
      <h2 class="section-title">{t('help.mine')}</h2>
      <PagedList
        pages={pages}
        testId="help"
        text={{ loading: 'help.loading', empty: 'help.empty', more: 'help.more' }}
        row={(item) => <RequestRow key={item.id} item={item} />}
      />
    </>
  );
}

const FORM_ERRORS: Record<keyof RequestForm, number> = { category: 0, subject: SUBJECT_MAX, message: MESSAGE_MAX };

/** /help/new: category, subject and message, checked at once; then the request's page. */
export function HelpNew() {
  const { t } = useI18n();
  const categories = useLoad(() => help.categories());
  const [form, setForm] = useState<RequestForm>({ category: '', subject: '', message: '' });
  const [errors, setErrors] = useState<RequestErrors>({});
  const [tried, setTried] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);

  const update = (patch: Partial<RequestForm>) => {
    const next = { ...form, ...patch };
    setForm(next);
    // After a first try, the checks follow what is typed.
    if (tried) setErrors(checkRequest(next));
  };
  const err = (field: keyof RequestForm) => {
    const code = errors[field];
    if (field === 'category') return code ? t('help.error.category') : null;
    return textError(t, code, FORM_ERRORS[field]);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setTried(true);
    setFailure(null);
    const found = checkRequest(form);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    const outcome = await help.file({ category: form.category, subject: form.subject.trim(), message: form.message.trim() });
    setBusy(false);
    if (outcome.ok) navigate(helpPath(outcome.data.id), { replace: true });
    else setFailure(outcome.failure);
  };

  return (
    <>
      <a class="back-link" href="/help">
        ‹ {t('page.help')}
      </a>
      <h1>{t('help.new')}</h1>
      <p class="lead">{t('help.form.intro')}</p>
      <form class="card form" onSubmit={(e) => void submit(e)} noValidate data-testid="help-form">
        <div class="field">
          <label for="help-category">{t('help.form.category')}</label>
          <select
            id="help-category"
            name="category"
            class="input"
            value={form.category}
            onChange={(e) => update({ category: e.currentTarget.value })}
            aria-invalid={errors.category ? true : undefined}
            aria-describedby={errors.category ? 'help-category-error' : undefined}
            required
          >
            <option value="">{t('help.form.pick')}</option>
            {(categories.data ?? []).map((c) => (
              <option key={c.code} value={c.code}>
                {c.label}
              </option>
            ))}
          </select>
          {errors.category && (
            <p class="field-error" id="help-category-error">
              {err('category')}
            </p>
          )}
        </div>
        {categories.failure && (
          <ProblemAlert failure={categories.failure}>
            <button type="button" class="button button-secondary" onClick={() => void categories.reload()}>
              {t('common.retry')}
            </button>
          </ProblemAlert>
        )}
        <Field
          label={t('help.form.subject')}
          name="subject"
          value={form.subject}
          onValue={(subject) => update({ subject })}
          error={err('subject')}
          maxLength={SUBJECT_MAX}
          counted
          required
        />
        <TextArea
          label={t('help.form.message')}
          hint={t('help.form.messageHint')}
          name="message"
          rows={8}
          value={form.message}
          onValue={(message) => update({ message })}
          error={err('message')}
          maxLength={MESSAGE_MAX}
          counted
          required
        />
        <ProblemAlert failure={failure} />
        <Button busy={busy} testId="help-submit">
          {t('help.form.submit')}
        </Button>
      </form>
    </>
  );
}

// ---- One request -----------------------------------------------------------------------------

/** Who wrote a message, as the viewer reads it. */
function authorOf(m: HelpMessage, detail: HelpDetail, t: ReturnType<typeof useI18n>['t']): string {
  if (m.from_requester) {
    if (detail.viewer === 'requester') return t('help.you');
    return m.author ?? detail.requester ?? t('help.requesterName');
  }
  return m.author ?? t('help.staffName');
}

/** One entry of the thread: a bubble (reply, note) or a small line (status, assignment). */
function ThreadEntry({ m, detail }: { m: HelpMessage; detail: HelpDetail }) {
  const { t, lang } = useI18n();
  const at = <time dateTime={m.at}>{formatShortDateTime(m.at, lang)}</time>;
  if (m.kind === 'status' || m.kind === 'assignment') {
    const text =
      m.kind === 'status'
        ? t('help.statusLine', { status: m.status ? t(STATUS_LABEL[m.status]) : '—' })
        : m.body
          ? t('help.assigned', { name: m.body })
          : t('help.released');
    return (
      <li class="thread-event" data-kind={m.kind} data-testid="help-event">
        <span data-testid={m.kind === 'status' ? 'help-status-line' : 'help-assignment'}>{text}</span>
        {detail.viewer === 'staff' && m.author && <span> · {m.author}</span>} · {at}
      </li>
    );
  }
  // Own side: the requester's messages for the requester, the staff's for staff.
  const own = detail.viewer === 'requester' ? m.from_requester : !m.from_requester;
  const note = m.kind === 'note';
  return (
    <li
      class={`bubble ${own ? 'bubble-own' : 'bubble-other'}${note ? ' bubble-note' : ''}`}
      data-kind={m.kind}
      data-side={m.from_requester ? 'requester' : 'staff'}
      data-testid="help-message"
    >
      {note && (
        <p class="bubble-label" data-testid="help-note-label">
          {t('help.note')}
        </p>
      )}
      <p class="bubble-meta">
        <strong>{authorOf(m, detail, t)}</strong> · {at}
      </p>
      <p class="bubble-body" data-testid="help-message-body">
        {m.body ?? ''}
      </p>
    </li>
  );
}

/** The requester's box: answer, or why not (closed; resolved: reopen until a date, or too late). */
function RequesterBox({ detail, onDetail }: { detail: HelpDetail; onDetail: (d: HelpDetail, notice?: MessageKey) => void }) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const box = requesterBox(detail);

  const reopen = async () => {
    setBusy(true);
    setFailure(null);
    const outcome = await help.reopen(detail.id);
    setBusy(false);
    if (outcome.ok) onDetail(outcome.data, 'help.reopened');
    else setFailure(outcome.failure);
  };

  if (box === 'closed' || box === 'resolved')
    return (
      <section class="card" data-testid="help-no-reply">
        <p>{t(box === 'closed' ? 'help.closedText' : 'help.expiredText')}</p>
        <a class="button button-secondary button-block" href="/help/new">
          {t('help.newLink')}
        </a>
      </section>
    );
  if (box === 'reopen')
    return (
      <section class="card form" data-testid="help-reopen-box">
        <p data-testid="help-reopen-until">{t('help.resolvedText', { date: formatShortDateTime(detail.reopen_until ?? '', lang) })}</p>
        <ProblemAlert failure={failure} />
        <Button type="button" busy={busy} onClick={() => void reopen()} testId="help-reopen">
          {t('help.reopen')}
        </Button>
      </section>
    );
  return <ReplyForm detail={detail} onDetail={onDetail} />;
}

/** Answer (anyone); for staff also an internal note, or a status set with the answer. */
function ReplyForm({ detail, onDetail }: { detail: HelpDetail; onDetail: (d: HelpDetail, notice?: MessageKey) => void }) {
  const { t } = useI18n();
  const staff = detail.viewer === 'staff';
  const [text, setText] = useState('');
  const [internal, setInternal] = useState(false);
  const [status, setStatus] = useState<HelpStatus | ''>('');
  const [error, setError] = useState<TextError | undefined>(undefined);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const closed = detail.status === 'closed';

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setFailure(null);
    const found = checkText(text, MESSAGE_MAX);
    setError(found);
    if (found) return;
    setBusy(true);
    const options = staff ? { internal, status: internal || status === '' ? undefined : status } : {};
    const outcome = await help.reply(detail.id, text.trim(), options);
    setBusy(false);
    if (outcome.ok) {
      setText('');
      setStatus('');
      onDetail(outcome.data, 'help.sent');
    } else setFailure(outcome.failure);
  };

  return (
    <form class="card form" onSubmit={(e) => void submit(e)} noValidate data-testid="help-reply-form">
      {staff && closed && <p class="hint">{t('help.staff.closedHint')}</p>}
      <TextArea
        label={staff ? t('help.staff.replyLabel') : t('help.reply')}
        name="body"
        rows={4}
        value={text}
        onValue={(value) => {
          setText(value);
          if (error) setError(checkText(value, MESSAGE_MAX));
        }}
        error={textError(t, error, MESSAGE_MAX)}
        maxLength={MESSAGE_MAX}
        counted
        required
      />
      {staff && <Checkbox label={t('help.staff.note')} checked={internal} onChange={setInternal} name="internal" />}
      {staff && !internal && (
        <div class="field">
          <label for="help-reply-status">{t('help.staff.replyStatus')}</label>
          <select id="help-reply-status" name="reply-status" class="input" value={status} onChange={(e) => setStatus(e.currentTarget.value as HelpStatus | '')}>
            <option value="">{t('help.staff.unchanged')}</option>
            {SETTABLE.map((s) => (
              <option key={s} value={s}>
                {t(STATUS_LABEL[s])}
              </option>
            ))}
          </select>
        </div>
      )}
      <ProblemAlert failure={failure} />
      <Button busy={busy} testId="help-send">
        {staff ? t(internal ? 'help.staff.sendNote' : 'help.staff.sendReply') : t('help.send')}
      </Button>
    </form>
  );
}

/** Staff: who asked, who handles it, take/release, the status; the details of a request without an account. */
function StaffPanel({ detail, onDetail }: { detail: HelpDetail; onDetail: (d: HelpDetail, notice?: MessageKey) => void }) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState<'assign' | 'status' | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const mine = detail.assigned_to_me;

  const change = async (kind: 'assign' | 'status', body: Parameters<typeof help.change>[1]) => {
    setBusy(kind);
    setFailure(null);
    const outcome = await help.change(detail.id, body);
    setBusy(null);
    if (outcome.ok) onDetail(outcome.data, 'help.staff.updated');
    else setFailure(outcome.failure);
  };

  const c = detail.connection_details;
  return (
    <>
      <section class="card form" data-testid="help-staff">
        <dl class="facts">
          <dt>{t('help.staff.requester')}</dt>
          <dd data-testid="help-requester">
            {detail.requester ?? '—'}
            {detail.connection && (
              <span class="badge badge-warn" data-testid="help-no-account">
                {t('help.staff.noAccount')}
              </span>
            )}
          </dd>
          <dt>{t('help.staff.assignee')}</dt>
          <dd data-testid="help-assignee">{detail.assignee ?? t('help.staff.nobody')}</dd>
        </dl>
        {mine ? (
          <Button type="button" variant="secondary" busy={busy === 'assign'} onClick={() => void change('assign', { assignee: 'nobody' })} testId="help-release">
            {t('help.staff.release')}
          </Button>
        ) : (
          <Button type="button" busy={busy === 'assign'} onClick={() => void change('assign', { assignee: 'me' })} testId="help-take">
            {t('help.staff.take')}
          </Button>
        )}
        <div class="field">
          <label for="help-status-select">{t('help.staff.status')}</label>
          <select
            id="help-status-select"
            name="status"
            class="input"
            value={detail.status}
            disabled={busy === 'status'}
            aria-busy={busy === 'status' ? true : undefined}
            onChange={(e) => {
              const next = e.currentTarget.value as HelpStatus;
              if (next !== detail.status) void change('status', { status: next });
            }}
          >
            {detail.status === 'new' && (
              <option value="new" disabled>
                {t(STATUS_LABEL.new)}
              </option>
            )}
            {SETTABLE.map((s) => (
              <option key={s} value={s}>
                {t(STATUS_LABEL[s])}
              </option>
            ))}
          </select>
        </div>
        <ProblemAlert failure={failure} />
      </section>
      {c && (
        <section class="card" aria-labelledby="help-connection-title" data-testid="help-connection">
          <h2 id="help-connection-title">{t('help.staff.connection')}</h2>
          <p>
            <span class={`badge registrar registrar-${c.registrar}`} data-testid="help-registrar" data-registrar={c.registrar}>
              {t(REGISTRAR_LABEL[c.registrar])}
            </span>
          </p>
          <dl class="facts">
            <dt>{t('help.staff.number')}</dt>
            <dd>{c.number}</dd>
            <dt>{t('help.staff.familyName')}</dt>
            <dd>{c.family_name}</dd>
            <dt>{t('help.staff.givenName')}</dt>
            <dd>{c.given_name}</dd>
            <dt>{t('help.staff.birthDate')}</dt>
            <dd>{formatDay(c.birth_date, lang, 'full')}</dd>
            <dt>{t('help.staff.email')}</dt>
            <dd>{c.email}</dd>
          </dl>
        </section>
      )}
    </>
  );
}

/** /help/{id}: the thread, the status, and what the viewer may do. */
export function HelpRequest({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const [detail, setDetail] = useState<HelpDetail | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [notice, setNotice] = useState<MessageKey | null>(null);

  const load = async () => {
    setFailure(null);
    const outcome = await help.get(id);
    if (outcome.ok) setDetail(outcome.data);
    else setFailure(outcome.failure);
  };
  useEffect(() => {
    setDetail(null);
    setNotice(null);
    void load();
    // Back to the app (a notification tapped while this request was open): read it again.
    const onVisible = () => {
      if (document.visibilityState === 'visible') void load();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [id]);

  const staff = detail?.viewer === 'staff';
  const back = (
    <a class="back-link" href={staff ? lastQueuePath : '/help'} data-testid="help-back">
      ‹ {staff ? t('help.queuesTab') : t('help.mine')}
    </a>
  );
  if (!detail) {
    return (
      <>
        {back}
        {failure?.slug === 'not-found' ? (
          <p data-testid="help-missing">{t('help.notFound')}</p>
        ) : failure ? (
          <ProblemAlert failure={failure}>
            <button type="button" class="button button-secondary" onClick={() => void load()}>
              {t('common.retry')}
            </button>
          </ProblemAlert>
        ) : (
          <p class="muted" aria-busy="true">
            {t('common.loading')}
          </p>
        )}
      </>
    );
  }
  const onDetail = (next: HelpDetail, message?: MessageKey) => {
    setDetail(next);
    setNotice(message ?? null);
  };
  return (
    <>
      {back}
      <h1 data-testid="help-detail-subject">{detail.subject}</h1>
      <p class="lead">
        {detail.category_label} <StatusBadge status={detail.status} />
      </p>
      <p class="muted">
        {t('help.reference', { id: String(detail.id) })} · {t('help.createdAt', { date: formatShortDateTime(detail.created_at, lang) })}
      </p>
      {notice && <Notice testId="help-notice">{t(notice)}</Notice>}
      {staff && <StaffPanel detail={detail} onDetail={onDetail} />}
      <section aria-labelledby="help-thread-title">
        <h2 id="help-thread-title" class="visually-hidden">
          {t('help.thread')}
        </h2>
        <ol class="thread" data-testid="help-thread">
          {detail.messages.map((m) => (
            <ThreadEntry key={m.id} m={m} detail={detail} />
          ))}
        </ol>
      </section>
      {staff ? <ReplyForm detail={detail} onDetail={onDetail} /> : <RequesterBox detail={detail} onDetail={onDetail} />}
    </>
  );
}
