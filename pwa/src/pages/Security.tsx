import { useEffect, useMemo, useState } from 'preact/hooks';
import { receiveSmsCode } from '../accounts/countdown';
import { accounts, type ActivationChallenge, type DeviceSession, type Me, type SecurityEvent, type TwoFactorEnrolment } from '../api/accounts';
import { passkeys, type Passkey } from '../api/passkeys';
import type { Failure } from '../api/problems';
import { services } from '../api/services';
import { NewPasswordField, useNewPassword } from '../accounts/NewPassword';
import { withReauth } from '../accounts/reauth';
import { signOut, updateMe, useAuth } from '../auth';
import { Dialog } from '../components/Dialog';
import { Button, Checkbox, CodeField, Field, Notice, PasswordField, ProblemAlert } from '../components/Form';
import { BellIcon, ChevronIcon } from '../components/Icons';
import { useLoad } from '../components/useLoad';
import { formatShortDateTime } from '../i18n/format';
import { isMessageKey, useI18n, type MessageKey } from '../i18n';
import { addPasskey } from '../passkeys/ceremonies';
import { NAME_MAX, suggestNameHere } from '../passkeys/name';
import { passkeysSupported } from '../passkeys/webauthn';

function BackLink() {
  const { t } = useI18n();
  return (
    <a class="back-link" href="/more/security">
      ‹ {t('security.back')}
    </a>
  );
}

function useMe(): Me | null {
  const auth = useAuth();
  return auth.status === 'signed-in' ? auth.me : null;
}

/** Profil → Sécurité: the five sections and « Se déconnecter ». */
export function SecurityHome() {
  const { t } = useI18n();
  const me = useMe();
  const [busy, setBusy] = useState(false);
  const links: { href: string; label: MessageKey; extra?: string }[] = [
    { href: '/more/security/password', label: 'security.password' },
    { href: '/more/security/passkeys', label: 'security.passkeys' },
    { href: '/more/security/devices', label: 'security.devices' },
    { href: '/more/security/activity', label: 'security.activity' },
    {
      href: '/more/security/two-factor',
      label: 'security.twoFactor',
      extra: me ? t(me.two_factor_enabled ? 'security.twoFactorOn' : 'security.twoFactorOff') : undefined,
    },
  ];
  return (
    <>
      <a class="back-link" href="/more">
        ‹ {t('page.more')}
      </a>
      <h1>{t('security.title')}</h1>
      {me && (
        <p class="lead" data-testid="me-identifier">
          {me.given_name} {me.family_name} · {me.identifier}
        </p>
      )}
      <ul class="card link-list">
        {links.map((link) => (
          <li key={link.href}>
            <a class="list-link" href={link.href}>
              <span>
                {t(link.label)}
                {link.extra && <span class="badge">{link.extra}</span>}
              </span>
              <ChevronIcon />
            </a>
          </li>
        ))}
      </ul>
      <Button
        type="button"
        variant="secondary"
        busy={busy}
        testId="logout"
        onClick={() => {
          setBusy(true);
          void signOut();
        }}
      >
        {t('account.logout')}
      </Button>
    </>
  );
}

/** Mot de passe: current + new (with the rules) + « Déconnecter mes autres appareils ». */
export function ChangePassword() {
  const { t } = useI18n();
  const me = useMe();
  const [current, setCurrent] = useState('');
  const [endOthers, setEndOthers] = useState(true);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [done, setDone] = useState(false);
  const np = useNewPassword();

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy || !np.view.acceptable) return;
    setBusy(true);
    setFailure(null);
    setDone(false);
    const outcome = await withReauth(() => accounts.changePassword(current, np.password, endOthers));
    setBusy(false);
    if (outcome.ok) {
      setDone(true);
      setCurrent('');
      np.setPassword('');
    } else setFailure(outcome.failure);
  };
  return (
    <>
      <BackLink />
      <h1>{t('password.title')}</h1>
      <form class="card form" onSubmit={(e) => void submit(e)} data-testid="change-password-form">
        {me && <input type="text" name="username" autocomplete="username" value={me.identifier} readOnly hidden />}
        <PasswordField
          label={t('password.current')}
          name="current-password"
          autocomplete="current-password"
          value={current}
          onValue={setCurrent}
          required
        />
        <NewPasswordField np={np} label={t('password.new')} />
        <Checkbox label={t('password.endOthers')} checked={endOthers} onChange={setEndOthers} />
        <ProblemAlert failure={failure} />
        {done && <Notice testId="password-changed">{t('password.changed')}</Notice>}
        <Button busy={busy} disabled={current === '' || !np.view.acceptable}>
          {t('password.submit')}
        </Button>
      </form>
    </>
  );
}

/** A passkey's name: how the person will know it in the list (the service keeps 60 characters). */
function PasskeyNameField({ value, onValue }: { value: string; onValue: (value: string) => void }) {
  const { t } = useI18n();
  return (
    <Field
      label={t('passkeys.name')}
      hint={t('passkeys.nameHint')}
      name="passkey-name"
      type="text"
      autocomplete="off"
      maxLength={NAME_MAX}
      value={value}
      onValue={onValue}
      required
    />
  );
}

/** How a rename or removal ended: done, the passkey already gone (404), or left as it was. */
type PasskeyChange = 'done' | 'gone' | null;

function RenamePasskeyDialog({ passkey, onClose }: { passkey: Passkey; onClose: (change: PasskeyChange) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState(passkey.name);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFailure(null);
    const outcome = await passkeys.rename(passkey.id, name.trim());
    setBusy(false);
    if (outcome.ok) onClose('done');
    else if (outcome.failure.status === 404) onClose('gone');
    else setFailure(outcome.failure);
  };
  return (
    <Dialog title={t('passkeys.renameTitle')} onCancel={() => onClose(null)} testId="passkey-rename-dialog">
      <form class="form" onSubmit={(e) => void submit(e)}>
        <PasskeyNameField value={name} onValue={setName} />
        <ProblemAlert failure={failure} />
        <Button busy={busy} disabled={name.trim() === ''}>
          {t('common.save')}
        </Button>
        <Button type="button" variant="secondary" onClick={() => onClose(null)}>
          {t('common.cancel')}
        </Button>
      </form>
    </Dialog>
  );
}

/** The confirmation; the service wants a recent password, so the password prompt may come first. */
function RemovePasskeyDialog({ passkey, onClose }: { passkey: Passkey; onClose: (change: PasskeyChange) => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const remove = async () => {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    const outcome = await withReauth(() => passkeys.remove(passkey.id));
    setBusy(false);
    if (outcome.ok) onClose('done');
    else if (outcome.failure.status === 404) onClose('gone');
    else setFailure(outcome.failure);
  };
  return (
    <Dialog title={t('passkeys.removeTitle')} onCancel={() => onClose(null)} testId="passkey-remove-dialog">
      <p>{t('passkeys.removeText', { name: passkey.name })}</p>
      <div class="form">
        <ProblemAlert failure={failure}>
          {failure?.slug === 'passkey-last-second-factor' && (
            <a class="button button-secondary" href="/more/security/two-factor" data-testid="passkey-two-factor-link">
              {t('security.twoFactor')}
            </a>
          )}
        </ProblemAlert>
        <Button type="button" variant="danger" busy={busy} onClick={() => void remove()} testId="passkey-remove-confirm">
          {t('passkeys.remove')}
        </Button>
        <Button type="button" variant="secondary" onClick={() => onClose(null)}>
          {t('common.cancel')}
        </Button>
      </div>
    </Dialog>
  );
}

/**
 * Clés d'accès: the person's passkeys (as many as they like), one more from this device under a
 * name suggested from it (then the browser's prompt), rename, remove after confirmation.
 */
export function Passkeys() {
  const { t, lang } = useI18n();
  const me = useMe();
  const list = useLoad(passkeys.list);
  // The add form, open with the name typed so far.
  const [name, setName] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<Passkey | null>(null);
  const [removing, setRemoving] = useState<Passkey | null>(null);

  const open = () => {
    setNotice(null);
    setFailure(null);
    setName(suggestNameHere(me?.given_name ?? '', t));
  };
  const add = async (event: Event) => {
    event.preventDefault();
    if (busy || name === null || name.trim() === '') return;
    setBusy(true);
    setFailure(null);
    const outcome = await addPasskey(name);
    setBusy(false);
    if (outcome.ok) {
      setName(null);
      setNotice(t('passkeys.added', { name: outcome.data.name }));
      void list.reload();
    } else setFailure(outcome.failure);
  };
  const closed = (done: MessageKey) => (change: PasskeyChange) => {
    setRenaming(null);
    setRemoving(null);
    if (!change) return;
    setNotice(t(change === 'gone' ? 'passkeys.gone' : done));
    void list.reload();
  };

  return (
    <>
      <BackLink />
      <h1>{t('security.passkeys')}</h1>
      <p class="lead">{t('passkeys.intro')}</p>
      {notice && <Notice testId="passkeys-notice">{notice}</Notice>}
      {list.failure && (
        <ProblemAlert failure={list.failure}>
          <button type="button" class="button button-secondary" onClick={() => void list.reload()}>
            {t('common.retry')}
          </button>
        </ProblemAlert>
      )}
      {list.loading && !list.data && <p aria-busy="true">{t('common.loading')}</p>}
      {list.data && list.data.length === 0 && <p class="muted">{t('passkeys.none')}</p>}
      {list.data && list.data.length > 0 && (
        <ul class="item-list" data-testid="passkeys">
          {list.data.map((p) => (
            <li key={p.id} class="card item" data-testid="passkey">
              <p>
                <strong data-testid="passkey-name">{p.name}</strong>
              </p>
              <p class="muted">{t('passkeys.created', { date: formatShortDateTime(p.created_at, lang) })}</p>
              <p class="muted" data-testid="passkey-used">
                {p.last_used_at ? t('passkeys.used', { date: formatShortDateTime(p.last_used_at, lang) }) : t('passkeys.neverUsed')}
              </p>
              <div class="item-actions">
                <button
                  type="button"
                  class="button button-secondary"
                  aria-label={t('passkeys.renameLabel', { name: p.name })}
                  onClick={() => setRenaming(p)}
                  data-testid="passkey-rename"
                >
                  {t('passkeys.rename')}
                </button>
                <button
                  type="button"
                  class="button button-danger"
                  aria-label={t('passkeys.removeLabel', { name: p.name })}
                  onClick={() => setRemoving(p)}
                  data-testid="passkey-remove"
                >
                  {t('passkeys.remove')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {!passkeysSupported() ? (
        <p class="muted" data-testid="passkeys-unsupported">
          {t('passkeys.unsupported')}
        </p>
      ) : name === null ? (
        <Button type="button" onClick={open} testId="passkey-add">
          {t('passkeys.add')}
        </Button>
      ) : (
        <form class="card form" onSubmit={(e) => void add(e)} data-testid="passkey-add-form">
          <PasskeyNameField value={name} onValue={setName} />
          <ProblemAlert failure={failure} />
          {failure?.slug === 'cancelled' && (
            <p class="hint" role="status" data-testid="passkey-cancelled">
              {t('passkeys.cancelled')}
            </p>
          )}
          <Button busy={busy} disabled={name.trim() === ''} testId="passkey-create">
            {t('passkeys.create')}
          </Button>
          <Button type="button" variant="secondary" onClick={() => setName(null)}>
            {t('common.cancel')}
          </Button>
        </form>
      )}
      {renaming && <RenamePasskeyDialog passkey={renaming} onClose={closed('passkeys.renamed')} />}
      {removing && <RemovePasskeyDialog passkey={removing} onClose={closed('passkeys.removed')} />}
    </>
  );
}

/** The password confirmation for signing devices out. */
function RevokeDialog({ target, onClose }: { target: DeviceSession | 'others'; onClose: (done: boolean) => void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFailure(null);
    const outcome = await accounts.revokeSessions(password, target === 'others' ? undefined : target.id);
    setBusy(false);
    if (outcome.ok) onClose(true);
    else setFailure(outcome.failure);
  };
  const text =
    target === 'others'
      ? t('devices.confirmOthers')
      : t('devices.confirmOne', { device: target.device || t('devices.unknown') });
  return (
    <Dialog title={target === 'others' ? t('devices.revokeOthers') : t('devices.revoke')} onCancel={() => onClose(false)} testId="revoke-dialog">
      <form class="form" onSubmit={(e) => void submit(e)}>
        <p>{text}</p>
        <PasswordField label={t('login.password')} name="password" autocomplete="current-password" value={password} onValue={setPassword} required />
        <ProblemAlert failure={failure} />
        <Button busy={busy} variant="danger" disabled={password === ''}>
          {t('devices.revoke')}
        </Button>
        <Button type="button" variant="secondary" onClick={() => onClose(false)}>
          {t('common.cancel')}
        </Button>
      </form>
    </Dialog>
  );
}

/** Service codes → their names in the interface's language (GET /api/services); empty until it answers. */
function useServiceNames(): ReadonlyMap<string, string> {
  const list = useLoad(services.list);
  return useMemo(() => new Map((list.data?.services ?? []).map((s) => [s.code, s.name])), [list.data]);
}

/** Mes appareils: where the account is signed in; sign one or all others out. */
export function Devices() {
  const { t, lang } = useI18n();
  const list = useLoad(accounts.sessions);
  const names = useServiceNames();
  const [target, setTarget] = useState<DeviceSession | 'others' | null>(null);
  const [done, setDone] = useState(false);
  const sessions = list.data ?? [];
  const others = sessions.filter((s) => !s.current);
  return (
    <>
      <BackLink />
      <h1>{t('security.devices')}</h1>
      <p class="lead">{t('devices.intro')}</p>
      {done && <Notice>{t('devices.done')}</Notice>}
      {list.failure && (
        <ProblemAlert failure={list.failure}>
          <button type="button" class="button button-secondary" onClick={() => void list.reload()}>
            {t('common.retry')}
          </button>
        </ProblemAlert>
      )}
      {list.loading && !list.data && <p aria-busy="true">{t('common.loading')}</p>}
      {list.data && (
        <ul class="item-list" data-testid="devices">
          {sessions.map((s) => (
            <li key={s.id} class="card item" data-current={s.current ? 'true' : undefined}>
              <div class="item-head">
                <strong>{s.device || t('devices.unknown')}</strong>
                <span>
                  {s.push && (
                    <span class="badge" data-testid="push-device" title={t('devices.pushLabel')}>
                      <BellIcon />
                      <span aria-hidden="true">{t('devices.push')}</span>
                      <span class="visually-hidden">{t('devices.pushLabel')}</span>
                    </span>
                  )}
                  {s.current && (
                    <span class="badge badge-brand" data-testid="current-device">
                      {t('devices.current')}
                    </span>
                  )}
                </span>
              </div>
              {s.remembered && <p class="muted">{t('devices.remembered')}</p>}
              {s.services.length > 0 && (
                <p class="muted" data-testid="device-services">
                  {t('devices.services', { services: s.services.map((code) => names.get(code) ?? code).join(', ') })}
                </p>
              )}
              <dl class="facts facts-compact">
                <dt>{t('devices.ip')}</dt>
                <dd>{s.ip}</dd>
                <dt>{t('devices.first')}</dt>
                <dd>{formatShortDateTime(s.first_seen_at, lang)}</dd>
                <dt>{t('devices.last')}</dt>
                <dd>{formatShortDateTime(s.last_seen_at, lang)}</dd>
              </dl>
              {!s.current && (
                <Button type="button" variant="secondary" onClick={() => setTarget(s)}>
                  {t('devices.revoke')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {list.data && others.length === 0 && <p class="muted">{t('devices.none')}</p>}
      {others.length > 0 && (
        <Button type="button" variant="danger" onClick={() => setTarget('others')} testId="revoke-others">
          {t('devices.revokeOthers')}
        </Button>
      )}
      {target && (
        <RevokeDialog
          target={target}
          onClose={(revoked) => {
            setTarget(null);
            if (revoked) {
              setDone(true);
              void list.reload();
            }
          }}
        />
      )}
    </>
  );
}

/** The translated name of a security event's kind (a kind added later reads « Autre événement »). */
export function eventKindKey(kind: string): MessageKey {
  const key = `activity.kind.${kind}`;
  return isMessageKey(key) ? key : 'activity.kind.other';
}

/** What an event says: its kind, or « Connexion à Moodle » for a service opened. */
function eventLabel(event: SecurityEvent, names: ReadonlyMap<string, string>, t: ReturnType<typeof useI18n>['t']): string {
  const service = event.kind === 'service_opened' ? (event.service ?? null) : null;
  if (service) return t('activity.serviceOpened', { service: names.get(service) ?? service });
  return t(eventKindKey(event.kind));
}

/** A list of security events (also used by the secretariat screen, without service names). */
export function EventList({ events, names = new Map() }: { events: SecurityEvent[]; names?: ReadonlyMap<string, string> }) {
  const { t, lang } = useI18n();
  if (events.length === 0) return <p class="muted">{t('activity.none')}</p>;
  return (
    <ul class="event-list" data-testid="events">
      {events.map((e, i) => (
        <li key={`${e.at}-${i}`} data-kind={e.kind}>
          <strong>
            {eventLabel(e, names, t)}
            {!e.success && <span class="badge badge-warn">{t('activity.failed')}</span>}
          </strong>
          <time dateTime={e.at}>{formatShortDateTime(e.at, lang)}</time>
          {(e.device || e.ip) && <span class="muted">{[e.device, e.ip].filter(Boolean).join(' · ')}</span>}
        </li>
      ))}
    </ul>
  );
}

/** Activité récente. */
export function Activity() {
  const { t } = useI18n();
  const list = useLoad(accounts.securityEvents);
  const names = useServiceNames();
  return (
    <>
      <BackLink />
      <h1>{t('security.activity')}</h1>
      <p class="lead">{t('activity.intro')}</p>
      {list.failure && (
        <ProblemAlert failure={list.failure}>
          <button type="button" class="button button-secondary" onClick={() => void list.reload()}>
            {t('common.retry')}
          </button>
        </ProblemAlert>
      )}
      {list.loading && !list.data && <p aria-busy="true">{t('common.loading')}</p>}
      {list.data && (
        <section class="card">
          <EventList events={list.data} names={names} />
        </section>
      )}
    </>
  );
}

type TwoFactorStep = { step: 'idle' } | { step: 'enrol'; enrolment: TwoFactorEnrolment } | { step: 'codes'; codes: string[] };

/** The ten recovery codes, shown once: after the app's enrolment or two-factor by passkeys. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <section class="card" data-testid="recovery-codes">
      <h2>{t('twoFactor.codesTitle')}</h2>
      <p>{t('twoFactor.codesText')}</p>
      <ol class="codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <Button type="button" variant="secondary" onClick={() => void copy()}>
        {copied ? t('common.copied') : t('twoFactor.copyCodes')}
      </Button>
      <Button type="button" onClick={onDone}>
        {t('twoFactor.done')}
      </Button>
    </section>
  );
}

/**
 * Double authentification: enrol an app (QR code, key, confirmation) or, with a passkey already,
 * turn it on with the passkeys alone (then an app may still be added); recovery codes once; disable.
 */
export function TwoFactor() {
  const { t } = useI18n();
  const me = useMe();
  const [state, setState] = useState<TwoFactorStep>({ step: 'idle' });
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState<'app' | 'passkeys' | 'off' | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [confirmDisable, setConfirmDisable] = useState(false);
  const enabled = me?.two_factor_enabled ?? false;
  // Whether the person has passkeys, which may serve as the second factor alone.
  const list = useLoad(passkeys.list);
  const hasPasskeys = (list.data?.length ?? 0) > 0;
  const factors = me?.second_factors ?? [];
  const byPasskeysAlone = enabled && factors.includes('passkey') && !factors.includes('authenticator_app');

  const enrol = async () => {
    setBusy('app');
    setFailure(null);
    const outcome = await withReauth(accounts.enrolTwoFactor);
    setBusy(null);
    if (outcome.ok) {
      setCode('');
      setState({ step: 'enrol', enrolment: outcome.data });
    } else setFailure(outcome.failure);
  };
  const confirm = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy('app');
    setFailure(null);
    const outcome = await withReauth(() => accounts.confirmTwoFactor(code.trim()));
    setBusy(null);
    if (outcome.ok) {
      setState({ step: 'codes', codes: outcome.data.recovery_codes });
      updateMe({ two_factor_enabled: true, second_factors: hasPasskeys ? ['authenticator_app', 'passkey', 'recovery_code'] : ['authenticator_app', 'recovery_code'] });
    } else setFailure(outcome.failure);
  };
  const withPasskeys = async () => {
    setBusy('passkeys');
    setFailure(null);
    const outcome = await withReauth(passkeys.enableTwoFactor);
    setBusy(null);
    if (outcome.ok) {
      setState({ step: 'codes', codes: outcome.data.recovery_codes });
      updateMe({ two_factor_enabled: true, second_factors: ['passkey', 'recovery_code'] });
    } else {
      if (outcome.failure.slug === 'two-factor-already-on') updateMe({ two_factor_enabled: true });
      if (outcome.failure.slug === 'passkey-needed') void list.reload();
      setFailure(outcome.failure);
    }
  };
  const disable = async () => {
    setBusy('off');
    setFailure(null);
    const outcome = await withReauth(accounts.disableTwoFactor);
    setBusy(null);
    setConfirmDisable(false);
    if (outcome.ok) updateMe({ two_factor_enabled: false, second_factors: [] });
    else setFailure(outcome.failure);
  };

  let body;
  if (state.step === 'codes') {
    body = <RecoveryCodes codes={state.codes} onDone={() => setState({ step: 'idle' })} />;
  } else if (state.step === 'enrol') {
    const { enrolment } = state;
    body = (
      <form class="card form" onSubmit={(e) => void confirm(e)} data-testid="two-factor-enrol">
        <p>{t('twoFactor.scan')}</p>
        <img class="qr" src={`data:image/png;base64,${enrolment.qr_png_base64}`} alt={t('twoFactor.qrAlt')} width="220" height="220" />
        <p>
          {t('twoFactor.secret')} <code class="secret" data-testid="two-factor-secret">{enrolment.secret}</code>
        </p>
        <CodeField label={t('twoFactor.code')} name="code" value={code} onValue={setCode} required />
        <ProblemAlert failure={failure} />
        <Button busy={busy === 'app'} disabled={code.trim() === ''}>
          {t('twoFactor.confirm')}
        </Button>
        <Button type="button" variant="secondary" onClick={() => setState({ step: 'idle' })}>
          {t('common.cancel')}
        </Button>
      </form>
    );
  } else {
    body = (
      <section class="card">
        <p>{t('twoFactor.intro')}</p>
        {enabled && <Notice testId="two-factor-on">{t('twoFactor.enabled')}</Notice>}
        {byPasskeysAlone && <p data-testid="two-factor-by-passkeys">{t('twoFactor.byPasskeys')}</p>}
        <ProblemAlert failure={failure} />
        {enabled ? (
          <div class="form">
            {byPasskeysAlone && (
              <Button type="button" variant="secondary" busy={busy === 'app'} disabled={busy === 'off'} onClick={() => void enrol()} testId="two-factor-add-app">
                {t('twoFactor.addApp')}
              </Button>
            )}
            <Button type="button" variant="danger" busy={busy === 'off'} onClick={() => setConfirmDisable(true)} testId="two-factor-disable">
              {t('twoFactor.disable')}
            </Button>
          </div>
        ) : (
          <div class="form">
            <Button type="button" busy={busy === 'app'} disabled={busy === 'passkeys'} onClick={() => void enrol()} testId="two-factor-enable">
              {t('twoFactor.enable')}
            </Button>
            {hasPasskeys && (
              <>
                <p class="hint">{t('twoFactor.withPasskeysText')}</p>
                <Button
                  type="button"
                  variant="secondary"
                  busy={busy === 'passkeys'}
                  disabled={busy === 'app'}
                  onClick={() => void withPasskeys()}
                  testId="two-factor-passkeys"
                >
                  {t('twoFactor.withPasskeys')}
                </Button>
              </>
            )}
          </div>
        )}
      </section>
    );
  }
  return (
    <>
      <BackLink />
      <h1>{t('security.twoFactor')}</h1>
      {body}
      {confirmDisable && (
        <Dialog title={t('twoFactor.disable')} onCancel={() => setConfirmDisable(false)}>
          <p>{t('twoFactor.disableConfirm')}</p>
          <div class="form">
            <Button type="button" variant="danger" busy={busy === 'off'} onClick={() => void disable()}>
              {t('twoFactor.disable')}
            </Button>
            <Button type="button" variant="secondary" onClick={() => setConfirmDisable(false)}>
              {t('common.cancel')}
            </Button>
          </div>
        </Dialog>
      )}
    </>
  );
}

/** Prove one holds the phone on record again: a code by SMS, as at activation. */
export function PhoneVerification() {
  const { t } = useI18n();
  const me = useMe();
  const [challenge, setChallenge] = useState<ActivationChallenge | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [done, setDone] = useState(false);

  const send = async () => {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    const outcome = await accounts.startPhoneVerification();
    setBusy(false);
    if (outcome.ok) setChallenge(outcome.data);
    else setFailure(outcome.failure);
  };
  const verify = async (value: string) => {
    if (busy || !challenge) return;
    setBusy(true);
    setFailure(null);
    const outcome = await accounts.confirmPhoneVerification(challenge.challenge, value.trim());
    setBusy(false);
    if (outcome.ok) {
      setDone(true);
      updateMe({ phone_verification_required: false });
    } else {
      setFailure(outcome.failure);
      if (outcome.failure.slug === 'code-expired') setChallenge(null);
    }
  };
  const challengeId = challenge?.challenge;
  useEffect(() => {
    if (!challengeId) return undefined;
    const controller = new AbortController();
    void receiveSmsCode(controller.signal).then((received) => {
      if (received && !controller.signal.aborted) {
        setCode(received);
        void verify(received);
      }
    });
    return () => controller.abort();
  }, [challengeId]);

  return (
    <>
      <BackLink />
      <h1>{t('phone.title')}</h1>
      {done || (me && !me.phone_verification_required) ? (
        <Notice testId="phone-done">{t('phone.done')}</Notice>
      ) : challenge ? (
        <form class="card form" onSubmit={(e) => (e.preventDefault(), void verify(code))} data-testid="phone-code-form">
          <p>{t('phone.sent', { phone: challenge.masked_phone })}</p>
          <CodeField label={t('activation.code')} name="code" value={code} onValue={setCode} required autoFocus />
          <ProblemAlert failure={failure} />
          <Button busy={busy} disabled={code.trim() === ''}>
            {t('phone.verify')}
          </Button>
          <Button type="button" variant="secondary" disabled={busy} onClick={() => void send()}>
            {t('activation.resend')}
          </Button>
        </form>
      ) : (
        <section class="card form">
          <p>{t('phone.intro')}</p>
          <ProblemAlert failure={failure} />
          <Button type="button" busy={busy} onClick={() => void send()} testId="phone-send">
            {t('phone.send')}
          </Button>
        </section>
      )}
    </>
  );
}
