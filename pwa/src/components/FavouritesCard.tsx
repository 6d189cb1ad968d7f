import { services } from '../api/services';
import { useI18n } from '../i18n';
import { ChevronIcon } from './Icons';
import { ServiceLink } from './ServiceLink';
import { useLoad } from './useLoad';

/** « Mes services » on the home page: the person's favourite services, and « Tous les services ». */
export function FavouritesCard() {
  const { t } = useI18n();
  const list = useLoad(services.list);
  const favourites = (list.data?.services ?? []).filter((s) => s.favourite);
  return (
    <section class="card" aria-labelledby="favourites-card" data-testid="favourites-card">
      <h2 id="favourites-card">{t('services.myServices')}</h2>
      {list.data && favourites.length === 0 && <p class="muted">{t('services.noFavourite')}</p>}
      {favourites.length > 0 && (
        <ul class="service-list">
          {favourites.map((s) => (
            <li key={s.code} class="service" data-service={s.code}>
              <ServiceLink service={s} />
            </li>
          ))}
        </ul>
      )}
      <a class="list-link" href="/services" data-testid="all-services">
        <span>{t('services.all')}</span>
        <ChevronIcon />
      </a>
    </section>
  );
}
