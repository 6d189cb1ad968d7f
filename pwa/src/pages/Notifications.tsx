import { useEffect, useRef, useState } from 'preact/hooks';
import type { Outcome } from '../api/client';
import type { Failure } from '../api/problems';
import { push, type CategoryPreference, type PushPreferences, type PushPreferencesUpdate } from '../api/push';
import { useAuth } from '../auth';
import { Button, Field, Notice, ProblemAlert, Switch } from '../components/Form';
import { DeniedHelp, IosInstallHelp } from '../components/PushHelp';
import { useLoad } from '../components/useLoad';
import { isMessageKey, useI18n } from '../i18n';
import { disablePush, enablePush, muteSecurity, prefetchKey, refreshPush, usePushDevice } from '../push/device';

const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const DEFAULT_QUIET = { start: '22:00', end: '07:00' };

/** What PUT /api/me/push-preferences wants from what GET answered (security is never in `disabled`). */
export function preferencesUpdate(prefs: PushPreferences): PushPreferencesUpdate {
  const update: PushPreferencesUpdate = {
    disabled: prefs.categories.filter((c) => c.can_disable && !c.enabled).map((c) => c.category),
  };
  if (prefs.quiet_hours) update.quiet_hours = prefs.quiet_hours;
  return update;
}

/** « Cet appareil »: on/off, security alerts muted here, a test notification. */
function ThisDevice() {
  const { t } = useI18n();
  const auth = useAuth();
  const device = usePushDevice();
  const [busy, setBusy] = useState<'device' | 'mute' | 'test' | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [sent, setSent] = useState(false);
  const supported = device.support === 'supported';

  useEffect(() => {
    if (!supported) return;
    void refreshPush();
    void prefetchKey();
  }, [supported]);

  const run = async (what: 'device' | 'mute' | 'test', call: () => Promise<Outcome<void>>) => {
    if (busy) return;
    setBusy(what);
    setFailure(null);
    setSent(false);
    const outcome = await call();
    setBusy(null);
    if (outcome.ok) {
      if (what === 'test') setSent(true);
      return;
    }
    // 404: this session has no subscription (any more) on the server.
    const notSubscribed = outcome.failure.slug === 'not-found' && what !== 'device';
    setFailure(notSubscribed ? { slug: 'push-not-subscribed', status: 404 } : outcome.failure);
    if (notSubscribed) void refreshPush();
  };

  let body;
  if (device.support === 'unsupported') body = <p data-testid="push-unsupported">{t('notifications.unsupported')}</p>;
  else if (device.support === 'ios-install') body = <IosInstallHelp />;
  else if (device.permission === 'denied') body = <DeniedHelp />;
  else {
    const subscribed = device.server?.subscribed ?? false;
    body = (
      <>
        <Switch
          label={t('notifications.deviceSwitch')}
          hint={t('notifications.deviceHint')}
          checked={subscribed}
          disabled={device.server === null || auth.status !== 'signed-in'}
          busy={busy === 'device'}
          testId="push-device-switch"
          onChange={(on) => {
            if (auth.status !== 'signed-in') return;
            const personId = auth.me.person_id;
            void run('device', () => (on ? enablePush(personId) : disablePush()));
          }}
        />
        {subscribed && (
          <>
            <Switch
              label={t('notifications.muteSecurity')}
              hint={t('notifications.muteSecurityHint')}
              checked={device.server?.security_muted ?? false}
              busy={busy === 'mute'}
              testId="push-mute-security"
              onChange={(muted) => void run('mute', () => muteSecurity(muted))}
            />
            <Button type="button" variant="secondary" busy={busy === 'test'} testId="push-test" onClick={() => void run('test', push.test)}>
              {t('notifications.test')}
            </Button>
          </>
        )}
      </>
    );
  }
  return (
    <section class="card" aria-labelledby="push-device-title" data-testid="push-device">
      <h2 id="push-device-title">{t('notifications.device')}</h2>
      {body}
      <ProblemAlert failure={failure} />
      {sent && <Notice testId="push-test-sent">{t('notifications.testSent')}</Notice>}
    </section>
  );
}

function categoryLabel(category: string, t: ReturnType<typeof useI18n>['t']): { label: string; hint?: string } {
  const key = `notifications.category.${category}`;
  const hint = `${key}Hint`;
  return {
    label: isMessageKey(key) ? t(key) : category,
    hint: isMessageKey(hint) ? t(hint) : undefined,
  };
}

/** The person's preferences (all devices): categories and quiet hours, each saved as it changes. */
function Preferences() {
  const { t } = useI18n();
  const loaded = useLoad(push.preferences);
  const [prefs, setPrefs] = useState<PushPreferences | null>(null);
  const [times, setTimes] = useState(DEFAULT_QUIET);
  const [saving, setSaving] = useState<'categories' | 'quiet' | null>(null);
  const [saved, setSaved] = useState<'categories' | 'quiet' | null>(null);
  const [failure, setFailure] = useState<{ where: 'categories' | 'quiet'; failure: Failure } | null>(null);
  // Saves run one after the other, each with the whole state: the last one wins.
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const current = useRef<PushPreferences | null>(null);

  useEffect(() => {
    if (!loaded.data) return;
    current.current = loaded.data;
    setPrefs(loaded.data);
    if (loaded.data.quiet_hours) setTimes(loaded.data.quiet_hours);
  }, [loaded.data]);

  const save = (where: 'categories' | 'quiet', next: PushPreferences) => {
    const previous = current.current;
    current.current = next;
    setPrefs(next);
    setSaving(where);
    setSaved(null);
    setFailure(null);
    queue.current = queue.current.then(async () => {
      const outcome = await push.setPreferences(preferencesUpdate(next));
      if (current.current !== next) return; // a later change is on its way
      setSaving(null);
      if (outcome.ok) setSaved(where);
      else {
        current.current = previous;
        setPrefs(previous);
        if (where === 'quiet' && previous) setTimes(previous.quiet_hours ?? times);
        setFailure({ where, failure: outcome.failure });
      }
    });
  };

  if (loaded.failure && !prefs) {
    return (
      <ProblemAlert failure={loaded.failure}>
        <button type="button" class="button button-secondary" onClick={() => void loaded.reload()}>
          {t('common.retry')}
        </button>
      </ProblemAlert>
    );
  }
  if (!prefs) return <p aria-busy="true">{t('common.loading')}</p>;

  const setCategory = (category: CategoryPreference, enabled: boolean) =>
    save('categories', {
      ...prefs,
      categories: prefs.categories.map((c) => (c.category === category.category ? { ...c, enabled } : c)),
    });
  const quietOn = Boolean(prefs.quiet_hours);
  const sameTimes = times.start === times.end;
  const commitTimes = (next: { start: string; end: string }) => {
    const clean = { start: next.start.slice(0, 5), end: next.end.slice(0, 5) };
    setTimes(clean);
    if (!quietOn || !TIME.test(clean.start) || !TIME.test(clean.end) || clean.start === clean.end) return;
    if (prefs.quiet_hours?.start === clean.start && prefs.quiet_hours?.end === clean.end) return;
    save('quiet', { ...prefs, quiet_hours: clean });
  };
  const status = (where: 'categories' | 'quiet') => (
    <>
      {failure?.where === where && <ProblemAlert failure={failure.failure} />}
      <p class="muted save-status" role="status" data-testid={`push-saved-${where}`}>
        {saved === where && saving === null ? t('notifications.saved') : ''}
      </p>
    </>
  );

  return (
    <>
      <section class="card" aria-labelledby="push-categories-title" data-testid="push-categories">
        <h2 id="push-categories-title">{t('notifications.categories')}</h2>
        <p class="hint">{t('notifications.categoriesHint')}</p>
        <ul class="settings-list">
          {prefs.categories.map((c) => {
            const { label, hint } = categoryLabel(c.category, t);
            return (
              <li key={c.category} data-category={c.category}>
                <Switch
                  label={label}
                  hint={hint}
                  checked={c.can_disable ? c.enabled : true}
                  disabled={!c.can_disable}
                  testId={`push-category-${c.category}`}
                  onChange={(enabled) => setCategory(c, enabled)}
                />
              </li>
            );
          })}
        </ul>
        {status('categories')}
      </section>
      <section class="card" aria-labelledby="push-quiet-title" data-testid="push-quiet">
        <h2 id="push-quiet-title">{t('notifications.quiet')}</h2>
        <Switch
          label={t('notifications.quietSwitch')}
          hint={t('notifications.quietHint')}
          checked={quietOn}
          testId="push-quiet-switch"
          onChange={(on) => {
            if (on && sameTimes) setTimes(DEFAULT_QUIET);
            save('quiet', { ...prefs, quiet_hours: on ? (sameTimes ? DEFAULT_QUIET : times) : undefined });
          }}
        />
        {quietOn && (
          <div class="time-range">
            <Field
              type="time"
              step={60}
              name="quiet-start"
              label={t('notifications.quietStart')}
              value={times.start}
              onValue={(start) => setTimes({ ...times, start })}
              onCommit={(start) => commitTimes({ ...times, start })}
              error={sameTimes ? t('notifications.quietSame') : null}
              required
            />
            <Field
              type="time"
              step={60}
              name="quiet-end"
              label={t('notifications.quietEnd')}
              value={times.end}
              onValue={(end) => setTimes({ ...times, end })}
              onCommit={(end) => commitTimes({ ...times, end })}
              required
            />
          </div>
        )}
        {status('quiet')}
      </section>
    </>
  );
}

/** Plus → Notifications (the server's test notification opens this page). */
export function Notifications() {
  const { t } = useI18n();
  return (
    <>
      <a class="back-link" href="/more">
        ‹ {t('page.more')}
      </a>
      <h1>{t('notifications.title')}</h1>
      <p class="lead">{t('notifications.intro')}</p>
      <ThisDevice />
      <Preferences />
    </>
  );
}
