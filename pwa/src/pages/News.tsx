// « Actualités »: the feed (pinned first then newest, « Voir plus » for the next page) and one
// item. Signed in, the caller's feed with unread dots (opening an item marks it read); signed
// out, the public feed without read markers.
import { useEffect, useState } from 'preact/hooks';
import type { NewsItem } from '../api/news';
import { useAuth } from '../auth';
import { Button, ProblemAlert } from '../components/Form';
import { sameOriginPath } from '../config';
import { useI18n } from '../i18n';
import type { Failure } from '../api/problems';
import { formatDayMonth, formatShortDateTime, formatTime } from '../i18n/format';
import { DEVICE_FEED, feedKey, findItem, loadFeed, loadItem, loadMore, markRead, useFeed, type FeedState } from '../news/feed';
import { Markdown, safeLink } from '../news/markdown';

/**
 * The feed key of whoever reads: the person signed in, this device's copy of their feed when the
 * app started offline after a sign-in, or the public feed.
 */
export function useNewsKey(): string | null {
  const auth = useAuth();
  if (auth.status === 'loading') return null;
  if (auth.status === 'offline' && auth.wasSignedIn) return DEVICE_FEED;
  return feedKey(auth.status === 'signed-in' ? auth.me.person_id : null);
}

/** « Hors ligne — mis à jour le 2 décembre à 18:45 », when the device's copy is shown. */
export function NewsFreshness({ feed }: { feed: FeedState }) {
  const { t, lang } = useI18n();
  if (!feed.offline || feed.fetchedAt === null) return null;
  return (
    <p class="freshness" role="status" data-testid="news-offline">
      {t('news.offline', { date: formatDayMonth(feed.fetchedAt, lang), time: formatTime(new Date(feed.fetchedAt), lang) })}
    </p>
  );
}

export const newsPath = (id: number) => `/news/${id}`;

function Badges({ item }: { item: NewsItem }) {
  const { t } = useI18n();
  return (
    <>
      {item.pinned && (
        <span class="badge" data-testid="news-pinned">
          {t('news.pinned')}
        </span>
      )}
      {item.urgent && (
        <span class="badge badge-warn" data-testid="news-urgent">
          {t('news.urgent')}
        </span>
      )}
    </>
  );
}

/** One line of the list: unread dot, title, badges, date. */
export function NewsRow({ item, showRead }: { item: NewsItem; showRead: boolean }) {
  const { t, lang } = useI18n();
  const unread = showRead && !item.read;
  return (
    <li class={`news-row${unread ? ' news-unread' : ''}`} data-testid="news-item" data-id={item.id}>
      <a class="news-link" href={newsPath(item.id)}>
        {unread && (
          <span class="news-dot" data-testid="news-unread">
            <span class="visually-hidden">{t('news.unread')}</span>
          </span>
        )}
        <span class="news-text">
          <span class="news-title" data-testid="news-title">
            {item.title}
          </span>
          <Badges item={item} />
          <span class="news-date muted" data-testid="news-date">
            {formatShortDateTime(item.publish_at, lang)}
          </span>
        </span>
      </a>
    </li>
  );
}

export function News() {
  const { t } = useI18n();
  const key = useNewsKey();
  const feed = useFeed(key);
  const showRead = key !== null && key !== 'public';
  return (
    <>
      <h1>{t('news.title')}</h1>
      <NewsFreshness feed={feed} />
      {feed.status === 'loading' && (
        <p class="muted" aria-busy="true" data-testid="news-loading">
          {t('news.loading')}
        </p>
      )}
      {feed.status === 'error' && (
        <ProblemAlert failure={feed.failure}>
          <button type="button" class="button button-secondary" onClick={() => key && void loadFeed(key, true)}>
            {t('home.retry')}
          </button>
        </ProblemAlert>
      )}
      {feed.status === 'ready' && feed.items.length === 0 && <p class="muted">{t('news.empty')}</p>}
      {feed.items.length > 0 && (
        <ul class="news-list" data-testid="news-list">
          {feed.items.map((item) => (
            <NewsRow key={item.id} item={item} showRead={showRead} />
          ))}
        </ul>
      )}
      {feed.status === 'ready' && feed.failure && <ProblemAlert failure={feed.failure} />}
      {feed.status === 'ready' && feed.next && !feed.offline && (
        <Button type="button" variant="secondary" busy={feed.loadingMore} onClick={() => void loadMore()} testId="news-more">
          {t('news.more')}
        </Button>
      )}
    </>
  );
}

export function NewsDetail({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const key = useNewsKey();
  const feed = useFeed(key);
  const item = findItem(feed, id);
  const signedIn = key !== null && key !== 'public';
  // Not among the loaded pages (an older item opened from a notification): asked alone.
  const [alone, setAlone] = useState<{ id: number; failure: Failure | null; done: boolean } | null>(null);
  useEffect(() => {
    if (item && signedIn && !item.read) void markRead(item.id);
  }, [item, signedIn]);
  useEffect(() => {
    if (item || !signedIn || feed.status !== 'ready' || alone?.id === id) return;
    setAlone({ id, failure: null, done: false });
    void loadItem(id).then((failure) => setAlone({ id, failure, done: true }));
  }, [item, signedIn, feed.status, id]);

  const back = (
    <a class="list-link" href="/news" data-testid="news-back">
      {t('news.all')}
    </a>
  );
  if (!item) {
    const asking = signedIn && feed.status === 'ready' && !(alone?.id === id && alone.done);
    if (feed.status === 'loading' || asking)
      return (
        <p class="muted" aria-busy="true" data-testid="news-loading">
          {t('news.loading')}
        </p>
      );
    if (feed.status === 'error') return <ProblemAlert failure={feed.failure} />;
    const failure = alone?.id === id ? alone.failure : null;
    if (failure && failure.slug !== 'not-found') return <ProblemAlert failure={failure} />;
    return (
      <>
        <h1>{t('news.title')}</h1>
        <NewsFreshness feed={feed} />
        <p data-testid="news-missing">{t('news.notFound')}</p>
        {back}
      </>
    );
  }
  const image = sameOriginPath(item.image_url);
  const link = item.link_url ? safeLink(item.link_url) : null;
  return (
    <article class="news-article" data-testid="news-detail">
      <NewsFreshness feed={feed} />
      <h1 data-testid="news-detail-title">{item.title}</h1>
      <p class="muted">
        {t('news.publishedAt', { date: formatShortDateTime(item.publish_at, lang) })}
        <Badges item={item} />
      </p>
      {image && <img class="news-image" src={image} alt="" />}
      <Markdown source={item.body} />
      {link && (
        <p>
          <a class="button button-secondary" href={link} target="_blank" rel="noopener noreferrer" data-testid="news-external">
            {t('news.link')}
          </a>
        </p>
      )}
      {back}
    </article>
  );
}
