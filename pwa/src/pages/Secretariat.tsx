import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { accounts, type PersonAccount, type PersonAccountDetail, type SuspensionReason } from '../api/accounts';
import { cardPhotos, PHOTO_TYPES } from '../api/card';
import type { RegistrationView } from '../api/registration';
import type { Outcome } from '../api/client';
import type { Failure } from '../api/problems';
import { withReauth } from '../accounts/reauth';
import { Dialog } from '../components/Dialog';
import { Button, Field, Notice, ProblemAlert } from '../components/Form';
import { ChevronIcon } from '../components/Icons';
import { isMessageKey, useI18n } from '../i18n';
import { cvecKey, latestFirst, statusKey, windowDates } from '../registration/labels';
import { queryParam } from '../router';
import { EventList } from './Security';

const REASONS: SuspensionReason[] = ['unpaid_fees', 'disciplinary', 'security', 'identity_check', 'other'];

const fullName = (p: PersonAccount) => `${p.given_name} ${p.family_name}`;

/** The translation of a value the server sends (role, state, reason…), or the value itself. */
function useLabel() {
  const { t } = useI18n();
  return (group: string, value: string) => {
    const key = `secretariat.${group}.${value}`;
    return isMessageKey(key) ? t(key) : value;
  };
}

function StateBadge({ account }: { account: PersonAccount }) {
  const label = useLabel();
  return (
    <span class={`badge badge-state-${account.account_state}`} data-testid="account-state">
      {label('state', account.account_state)}
    </span>
  );
}

/** Search people by number, name or e-mail (at most 20 answers). */
export function SecretariatSearch() {
  const { t } = useI18n();
  const [q, setQ] = useState(() => queryParam('q') ?? '');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [results, setResults] = useState<PersonAccount[] | null>(null);

  const search = async (query: string) => {
    if (busy || query.trim() === '') return;
    setBusy(true);
    setFailure(null);
    const outcome = await accounts.searchPeople(query.trim());
    setBusy(false);
    if (outcome.ok) {
      setResults(outcome.data);
      // Back from a person's page returns to these results.
      history.replaceState(null, '', `/more/secretariat?q=${encodeURIComponent(query.trim())}`);
    } else setFailure(outcome.failure);
  };
  useEffect(() => {
    if (q.trim() !== '') void search(q);
  }, []);

  return (
    <>
      <a class="back-link" href="/more">
        ‹ {t('page.more')}
      </a>
      <h1>{t('secretariat.title')}</h1>
      <form
        class="card form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void search(q);
        }}
      >
        <Field
          label={t('secretariat.search')}
          hint={t('secretariat.searchHint')}
          name="q"
          type="search"
          autocomplete="off"
          value={q}
          onValue={setQ}
          required
        />
        <ProblemAlert failure={failure} />
        <Button busy={busy}>{t('secretariat.searchButton')}</Button>
      </form>
      {results && results.length === 0 && <p class="muted">{t('secretariat.noResult')}</p>}
      {results && results.length > 0 && (
        <ul class="card link-list" data-testid="people">
          {results.map((p) => (
            <li key={p.person_id}>
              <a class="list-link" href={`/more/secretariat/${encodeURIComponent(p.person_id)}`}>
                <span class="person-line">
                  <span>{fullName(p)}</span>
                  <span class="muted">
                    {p.number} · <StateBadge account={p} />
                  </span>
                </span>
                <ChevronIcon />
              </a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** « Scolarité »: where the registrar says the person's registrations stand, one block a year, latest first. */
function Registrations({ registrations }: { registrations: RegistrationView[] }) {
  const { lang, t } = useI18n();
  return (
    <section class="card" aria-labelledby="registrations-title" data-testid="person-registrations">
      <h2 id="registrations-title">{t('secretariat.registrations')}</h2>
      {registrations.length === 0 && (
        <p class="muted" data-testid="person-registrations-empty">
          {t('registration.none')}
        </p>
      )}
      {latestFirst(registrations).map((r) => (
        <div key={r.academic_year} data-testid="person-registration" data-year={r.academic_year}>
          <h3>{t('registration.year', { year: r.academic_year })}</h3>
          <p class="muted">{r.program}</p>
          <dl class="facts">
            <dt>{t('registration.administrative')}</dt>
            <dd data-testid="registration-administrative">{t(statusKey(r.administrative))}</dd>
            <dt>{t('registration.pedagogical')}</dt>
            <dd data-testid="registration-pedagogical">{t(statusKey(r.pedagogical))}</dd>
            <dt>{t('registration.cvec')}</dt>
            <dd data-testid="registration-cvec">{t(cvecKey(r))}</dd>
            <dt>{t('registration.missing')}</dt>
            <dd data-testid="registration-missing">{r.missing_documents.length > 0 ? r.missing_documents.join(', ') : '—'}</dd>
            <dt>{t('registration.windowLabel')}</dt>
            <dd data-testid="registration-window">{windowDates(r, lang, t) ?? '—'}</dd>
          </dl>
        </div>
      ))}
    </section>
  );
}

// The server takes 2 MB at most (it also reads the format and size from the bytes).
const PHOTO_MAX_BYTES = 2_000_000;

/** What is wrong with a chosen file before it is sent, if anything. */
function photoProblem(file: File): Failure | null {
  if (!(PHOTO_TYPES as readonly string[]).includes(file.type)) return { slug: 'card-photo-type', status: 0 };
  if (file.size > PHOTO_MAX_BYTES) return { slug: 'card-photo-too-large', status: 0 };
  return null;
}

/**
 * « Photo de carte » (students only): the photo on the card, « Choisir une photo » (the file's bytes
 * sent as they are, with their own type; the server's refusal shown) and « Retirer la photo ».
 */
function CardPhoto({ account, onChanged }: { account: PersonAccount; onChanged: () => void }) {
  const { t } = useI18n();
  const id = account.person_id;
  // undefined while asked, null when the card has none.
  const [photo, setPhoto] = useState<string | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [done, setDone] = useState(false);
  const [removing, setRemoving] = useState(false);
  const load = async () => {
    const outcome = await cardPhotos.get(id);
    setPhoto(outcome.ok ? outcome.data : null);
    if (!outcome.ok && outcome.failure.slug !== 'no-card-photo') setFailure(outcome.failure);
  };
  useEffect(() => {
    void load();
  }, [id]);
  const upload = async (file: File) => {
    setDone(false);
    const problem = photoProblem(file);
    setFailure(problem);
    if (problem) return;
    setBusy(true);
    const outcome = await withReauth(() => cardPhotos.set(id, file));
    if (outcome.ok) {
      await load();
      setDone(true);
      onChanged();
    } else setFailure(outcome.failure.slug === 'payload-too-large' ? { slug: 'card-photo-too-large', status: 413 } : outcome.failure);
    setBusy(false);
  };
  const name = fullName(account);
  return (
    <section class="card" aria-labelledby="photo-title" data-testid="person-photo">
      <h2 id="photo-title">{t('secretariat.photo')}</h2>
      {photo === undefined && (
        <p class="muted" aria-busy="true">
          {t('common.loading')}
        </p>
      )}
      {photo === null && (
        <p class="muted" data-testid="person-photo-none">
          {t('secretariat.photoNone')}
        </p>
      )}
      {photo && <img class="card-photo" src={photo} alt={t('card.photoAlt', { name })} data-testid="person-photo-img" />}
      {done && <Notice testId="photo-done">{t('secretariat.done')}</Notice>}
      <ProblemAlert failure={failure} />
      <div class="form">
        <label class="button button-block photo-pick" aria-busy={busy ? true : undefined}>
          {busy && <span class="spinner" aria-hidden="true" />}
          <span>{t('secretariat.photoChoose')}</span>
          {busy && <span class="visually-hidden">{t('common.working')}</span>}
          <input
            type="file"
            class="visually-hidden"
            accept={PHOTO_TYPES.join(',')}
            disabled={busy}
            aria-describedby="photo-hint"
            data-testid="photo-input"
            onChange={(e) => {
              const input = e.currentTarget;
              const file = input.files?.[0];
              // Cleared, so that choosing the same file again is a change too.
              input.value = '';
              if (file) void upload(file);
            }}
          />
        </label>
        <p class="hint" id="photo-hint">
          {t('secretariat.photoHint')}
        </p>
        {photo && (
          <Button type="button" variant="danger" disabled={busy} onClick={() => setRemoving(true)} testId="photo-remove">
            {t('secretariat.photoRemove')}
          </Button>
        )}
      </div>
      {removing && (
        <ActionDialog
          title={t('secretariat.photoRemove')}
          text={t('secretariat.photoRemoveConfirm', { name })}
          danger
          confirmLabel={t('secretariat.photoRemove')}
          run={() => cardPhotos.remove(id)}
          onClose={(ok) => {
            setRemoving(false);
            if (!ok) return;
            setPhoto(null);
            setFailure(null);
            setDone(true);
            onChanged();
          }}
        />
      )}
    </section>
  );
}

type Action = 'suspend' | 'reinstate' | 'close' | 'invite' | 'phone' | 'sessions';

/** One action's confirmation sheet: its fields, its sentence, its button. */
function ActionDialog({
  title,
  text,
  danger = false,
  confirmLabel,
  disabled = false,
  run,
  onClose,
  children,
}: {
  title: string;
  text: string;
  danger?: boolean;
  confirmLabel: string;
  disabled?: boolean;
  run: () => Promise<Outcome<unknown>>;
  onClose: (done: boolean) => void;
  children?: ComponentChildren;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFailure(null);
    const outcome = await withReauth(run);
    setBusy(false);
    if (outcome.ok) onClose(true);
    else setFailure(outcome.failure);
  };
  return (
    <Dialog title={title} onCancel={() => onClose(false)} testId="action-dialog">
      <form class="form" onSubmit={(e) => void submit(e)}>
        {children}
        <p>{text}</p>
        <ProblemAlert failure={failure} />
        <Button busy={busy} disabled={disabled} variant={danger ? 'danger' : 'primary'} testId="action-confirm">
          {confirmLabel}
        </Button>
        <Button type="button" variant="secondary" onClick={() => onClose(false)}>
          {t('common.cancel')}
        </Button>
      </form>
    </Dialog>
  );
}

/** One person's account: state, sessions, recent events, and the secretariat's actions. */
export function SecretariatPerson({ personId }: { personId: string }) {
  const { t } = useI18n();
  const label = useLabel();
  const [detail, setDetail] = useState<PersonAccountDetail | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  const [done, setDone] = useState(false);
  const [reason, setReason] = useState<SuspensionReason>('unpaid_fees');
  const [note, setNote] = useState('');
  const [phone, setPhone] = useState('');

  const load = async () => {
    const outcome = await accounts.personAccount(personId);
    if (outcome.ok) {
      setDetail(outcome.data);
      setFailure(null);
    } else setFailure(outcome.failure);
  };
  useEffect(() => {
    void load();
  }, [personId]);

  if (!detail) {
    return (
      <>
        <a class="back-link" href="/more/secretariat">
          ‹ {t('secretariat.title')}
        </a>
        {failure ? <ProblemAlert failure={failure} /> : <p aria-busy="true">{t('common.loading')}</p>}
      </>
    );
  }
  const { account } = detail;
  const name = fullName(account);
  const close = (ok: boolean) => {
    setAction(null);
    if (ok) {
      setDone(true);
      void load();
    }
  };
  const open = (next: Action) => {
    setDone(false);
    if (next === 'phone') setPhone(account.mobile_phone ?? '');
    setAction(next);
  };
  const state = account.account_state;
  return (
    <>
      <a
        class="back-link"
        href="/more/secretariat"
        onClick={(e) => {
          if (history.length > 1) {
            e.preventDefault();
            history.back();
          }
        }}
      >
        ‹ {t('secretariat.title')}
      </a>
      <h1 data-testid="person-name">{name}</h1>
      <p class="lead">
        {label('role', account.role)} · <StateBadge account={account} />
      </p>
      {done && <Notice testId="action-done">{t('secretariat.done')}</Notice>}
      <section class="card">
        <dl class="facts">
          <dt>{t('secretariat.number')}</dt>
          <dd>{account.number}</dd>
          <dt>{t('secretariat.email')}</dt>
          <dd>{account.institutional_email ?? '—'}</dd>
          <dt>{t('secretariat.phone')}</dt>
          <dd>{account.mobile_phone ?? '—'}</dd>
          <dt>{t('secretariat.enrolment')}</dt>
          <dd>{label('enrolment', account.enrolment)}</dd>
          <dt>{t('secretariat.state')}</dt>
          <dd>
            {label('state', state)}
            {account.suspension_reason &&
              ` — ${t('secretariat.suspendedFor', { reason: label('reason', account.suspension_reason) })}`}
            {account.suspension_note && <span class="muted block">{account.suspension_note}</span>}
          </dd>
          <dt>{t('secretariat.sessions')}</dt>
          <dd data-testid="active-sessions">{detail.active_sessions}</dd>
          <dt>{t('secretariat.twoFactor')}</dt>
          <dd>{t(account.two_factor_enabled ? 'security.twoFactorOn' : 'security.twoFactorOff')}</dd>
        </dl>
      </section>
      <Registrations registrations={detail.registrations} />
      {account.role === 'student' && <CardPhoto account={account} onChanged={() => void load()} />}
      <section class="card form" aria-labelledby="actions-title">
        <h2 id="actions-title">{t('secretariat.actions')}</h2>
        {state === 'pending' && (
          <Button type="button" variant="secondary" onClick={() => open('invite')}>
            {t('secretariat.invite')}
          </Button>
        )}
        <Button type="button" variant="secondary" onClick={() => open('phone')}>
          {t('secretariat.correctPhone')}
        </Button>
        {detail.active_sessions > 0 && (
          <Button type="button" variant="secondary" onClick={() => open('sessions')}>
            {t('secretariat.endSessions')}
          </Button>
        )}
        {state === 'suspended' ? (
          <Button type="button" variant="secondary" onClick={() => open('reinstate')}>
            {t('secretariat.reinstate')}
          </Button>
        ) : (
          state !== 'closed' && (
            <Button type="button" variant="danger" onClick={() => open('suspend')} testId="suspend">
              {t('secretariat.suspend')}
            </Button>
          )
        )}
        {state !== 'closed' && (
          <Button type="button" variant="danger" onClick={() => open('close')}>
            {t('secretariat.close')}
          </Button>
        )}
      </section>
      <section class="card" aria-labelledby="events-title">
        <h2 id="events-title">{t('secretariat.events')}</h2>
        <EventList events={detail.events} />
      </section>
      {action === 'suspend' && (
        <ActionDialog
          title={t('secretariat.suspend')}
          text={t('secretariat.suspendConfirm', { name })}
          danger
          confirmLabel={t('secretariat.suspend')}
          run={() => accounts.suspend(account.person_id, reason, note.trim())}
          onClose={close}
        >
          <div class="field">
            <label for="suspension-reason">{t('secretariat.reason')}</label>
            <select
              id="suspension-reason"
              class="input"
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value as SuspensionReason)}
            >
              {REASONS.map((r) => (
                <option key={r} value={r}>
                  {label('reason', r)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="suspension-note">{t('secretariat.note')}</label>
            <textarea id="suspension-note" class="input" rows={3} maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </div>
        </ActionDialog>
      )}
      {action === 'reinstate' && (
        <ActionDialog
          title={t('secretariat.reinstate')}
          text={t('secretariat.reinstateConfirm', { name })}
          confirmLabel={t('secretariat.reinstate')}
          run={() => accounts.reinstate(account.person_id)}
          onClose={close}
        />
      )}
      {action === 'close' && (
        <ActionDialog
          title={t('secretariat.close')}
          text={t('secretariat.closeConfirm', { name })}
          danger
          confirmLabel={t('secretariat.close')}
          run={() => accounts.close(account.person_id)}
          onClose={close}
        />
      )}
      {action === 'invite' && (
        <ActionDialog
          title={t('secretariat.invite')}
          text={t('secretariat.inviteConfirm', { name })}
          confirmLabel={t('secretariat.invite')}
          run={() => accounts.inviteToActivate(account.person_id)}
          onClose={close}
        />
      )}
      {action === 'sessions' && (
        <ActionDialog
          title={t('secretariat.endSessions')}
          text={t('secretariat.endSessionsConfirm', { name })}
          danger
          confirmLabel={t('secretariat.endSessions')}
          run={() => accounts.endSessions(account.person_id)}
          onClose={close}
        />
      )}
      {action === 'phone' && (
        <ActionDialog
          title={t('secretariat.correctPhone')}
          text={t('secretariat.phoneConfirm', { phone: phone.trim() || '—', name })}
          confirmLabel={t('common.confirm')}
          disabled={phone.trim() === ''}
          run={() => accounts.correctPhone(account.person_id, phone.trim())}
          onClose={close}
        >
          <Field label={t('secretariat.newPhone')} name="phone" type="tel" autocomplete="off" inputMode="tel" value={phone} onValue={setPhone} required />
        </ActionDialog>
      )}
    </>
  );
}

