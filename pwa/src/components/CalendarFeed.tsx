import { useEffect, useRef, useState } from 'preact/hooks';
import type { Failure } from '../api/problems';
import { timetable, type CalendarFeed } from '../api/timetable';
import { useI18n } from '../i18n';
import { formatShortDateTime } from '../i18n/format';
import { Dialog } from './Dialog';
import { Button, ProblemAlert } from './Form';

/** A URL the server made, or null (the fields are absent or null until one is made). */
const feedUrl = (feed: CalendarFeed | null) => (feed?.url ? feed.url : null);

/**
 * « S’abonner dans mon agenda »: the personal calendar feed (GET/POST /api/me/calendar-feed).
 * No URL yet: a button makes one. Then the URL, « Copier », « Ouvrir dans l’agenda » (webcal:)
 * and « Générer un nouveau lien », confirmed because the old link stops working.
 */
export function CalendarFeedSection() {
  const { t, lang } = useI18n();
  const [feed, setFeed] = useState<CalendarFeed | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [renewed, setRenewed] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const load = async () => {
    setFailure(null);
    const outcome = await timetable.feed();
    setLoaded(true);
    if (outcome.ok) setFeed(outcome.data);
    else setFailure(outcome.failure);
  };
  useEffect(() => {
    void load();
  }, []);

  const make = async (renewal: boolean) => {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    setCopied(null);
    const outcome = await timetable.renewFeed();
    setBusy(false);
    setConfirming(false);
    if (outcome.ok) {
      setFeed(outcome.data);
      setRenewed(renewal);
    } else setFailure(outcome.failure);
  };

  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('yes');
    } catch {
      // No clipboard (permission, old browser): select the text for a manual copy.
      input.current?.select();
      setCopied('no');
    }
  };

  const url = feedUrl(feed);
  return (
    <section class="card" aria-labelledby="feed-title" data-testid="calendar-feed">
      <h2 id="feed-title">{t('feed.title')}</h2>
      <p class="hint">{t('feed.intro')}</p>
      {!loaded && <p class="muted">{t('common.loading')}</p>}
      {loaded && !url && !(failure && !feed) && (
        <Button type="button" busy={busy} testId="feed-create" onClick={() => void make(false)}>
          {t('feed.create')}
        </Button>
      )}
      {url && (
        <>
          <div class="field">
            <label for="feed-url">{t('feed.url')}</label>
            <input id="feed-url" class="input feed-url" readOnly value={url} ref={input} data-testid="feed-url" onFocus={(e) => e.currentTarget.select()} />
            {feed?.created_at && <p class="hint">{t('feed.createdAt', { when: formatShortDateTime(feed.created_at, lang) })}</p>}
          </div>
          <div class="button-row">
            <Button type="button" variant="secondary" testId="feed-copy" onClick={() => void copy(url)}>
              {copied === 'yes' ? t('common.copied') : t('common.copy')}
            </Button>
            {feed?.webcal_url && (
              <a class="button button-block" href={feed.webcal_url} rel="external" data-testid="feed-open">
                {t('feed.open')}
              </a>
            )}
          </div>
          <p class="muted" role="status">
            {copied === 'no' ? t('feed.copyByHand') : renewed ? t('feed.renewed') : ''}
          </p>
          <button type="button" class="link-button" data-testid="feed-renew" onClick={() => setConfirming(true)}>
            {t('feed.renew')}
          </button>
          <p class="hint">{t('feed.private')}</p>
        </>
      )}
      <ProblemAlert failure={failure}>
        {!feed && (
          <button type="button" class="button button-secondary" onClick={() => void load()}>
            {t('common.retry')}
          </button>
        )}
      </ProblemAlert>
      {confirming && (
        <Dialog title={t('feed.renewTitle')} onCancel={() => setConfirming(false)} testId="feed-renew-dialog">
          <p>{t('feed.renewText')}</p>
          <Button type="button" variant="danger" busy={busy} testId="feed-renew-confirm" onClick={() => void make(true)}>
            {t('feed.renewConfirm')}
          </Button>
          <Button type="button" variant="secondary" onClick={() => setConfirming(false)}>
            {t('common.cancel')}
          </Button>
        </Dialog>
      )}
    </section>
  );
}
