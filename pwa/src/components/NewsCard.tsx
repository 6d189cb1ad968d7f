import { useI18n } from '../i18n';
import { useFeed } from '../news/feed';
import { NewsFreshness, NewsRow, useNewsKey } from '../pages/News';

/** « Actualités » on the home page: the 3 newest items of the feed and a link to all of them. */
export function NewsCard() {
  const { t } = useI18n();
  const key = useNewsKey();
  const feed = useFeed(key);
  const showRead = key !== null && key !== 'public';
  const newest = [...feed.items].sort((a, b) => Date.parse(b.publish_at) - Date.parse(a.publish_at)).slice(0, 3);
  if (feed.status === 'error') return null;
  return (
    <section class="card" aria-labelledby="news-card" data-testid="news-card">
      <h2 id="news-card">{t('news.title')}</h2>
      <NewsFreshness feed={feed} />
      {feed.status === 'loading' && (
        <p class="muted" aria-busy="true">
          {t('news.loading')}
        </p>
      )}
      {feed.status === 'ready' && newest.length === 0 && <p class="muted">{t('news.empty')}</p>}
      {newest.length > 0 && (
        <ul class="news-list">
          {newest.map((item) => (
            <NewsRow key={item.id} item={item} showRead={showRead} />
          ))}
        </ul>
      )}
      <a class="list-link" href="/news" data-testid="news-card-all">
        {t('news.all')}
      </a>
    </section>
  );
}
