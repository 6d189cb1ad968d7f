import { useEffect, useRef, useState } from 'preact/hooks';
import type { Failure } from '../api/problems';
import { services, type ServiceList, type ServiceTile } from '../api/services';
import { Field, ProblemAlert } from '../components/Form';
import { StarIcon } from '../components/ServiceIcons';
import { ServiceLink, serviceNameId } from '../components/ServiceLink';
import { useLoad } from '../components/useLoad';
import { useI18n } from '../i18n';

/** Text for searching: accents and case folded (« Évaluation » finds « evaluation »). */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Whether a service answers the search (its name or description holds every word typed). */
export function matches(service: Pick<ServiceTile, 'name' | 'description'>, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const text = fold(`${service.name} ${service.description ?? ''}`);
  return words.every((word) => text.includes(word));
}

/** The favourites after adding (at the end: the order they were chosen) or removing one. */
export function withFavourite(favourites: readonly string[], code: string, on: boolean, at?: number): string[] {
  const rest = favourites.filter((c) => c !== code);
  if (!on) return rest;
  const index = at === undefined ? rest.length : Math.max(0, Math.min(at, rest.length));
  return [...rest.slice(0, index), code, ...rest.slice(index)];
}

function ServiceItem({
  service,
  favourite,
  section,
  onToggle,
}: {
  service: ServiceTile;
  favourite: boolean;
  section: string;
  onToggle: (service: ServiceTile) => void;
}) {
  const { t } = useI18n();
  const nameId = serviceNameId(section, service.code);
  return (
    <li class="service" data-service={service.code} data-favourite={favourite ? 'true' : undefined}>
      <ServiceLink service={service} nameId={nameId} />
      <button
        type="button"
        class="icon-button star"
        aria-label={t(favourite ? 'services.removeFavourite' : 'services.addFavourite')}
        aria-describedby={nameId}
        data-testid="favourite-toggle"
        onClick={() => onToggle(service)}
      >
        <StarIcon filled={favourite} />
      </button>
    </li>
  );
}

/** « Tous les services »: the favourites, then every service by category; search; star a favourite. */
export function Services() {
  const { t } = useI18n();
  const list = useLoad(services.list);
  const [data, setData] = useState<ServiceList | null>(null);
  const [favourites, setFavourites] = useState<string[]>([]);
  const [query, setQuery] = useState('');
  const [failure, setFailure] = useState<Failure | null>(null);
  // The stars whose call is under way: another tap waits for the answer.
  const pending = useRef(new Set<string>());

  useEffect(() => {
    if (!list.data) return;
    setData(list.data);
    setFavourites(list.data.services.filter((s) => s.favourite).map((s) => s.code));
  }, [list.data]);

  // Optimistic: the star changes at once, and back (with the reason) if the server refuses.
  const toggle = async (service: ServiceTile) => {
    const { code } = service;
    if (pending.current.has(code)) return;
    pending.current.add(code);
    const was = favourites.indexOf(code);
    const on = was < 0;
    setFailure(null);
    setFavourites((current) => withFavourite(current, code, on));
    const outcome = await (on ? services.addFavourite(code) : services.removeFavourite(code));
    pending.current.delete(code);
    if (!outcome.ok) {
      setFavourites((current) => withFavourite(current, code, !on, was));
      setFailure(outcome.failure);
    }
  };

  const shown = (data?.services ?? []).filter((s) => matches(s, query));
  const byCode = new Map((data?.services ?? []).map((s) => [s.code, s]));
  const favouriteTiles = favourites.flatMap((code) => {
    const s = byCode.get(code);
    return s && matches(s, query) ? [s] : [];
  });
  const groups = (data?.categories ?? [])
    .map((category) => ({ category, items: shown.filter((s) => s.category === category.code) }))
    .filter((group) => group.items.length > 0);
  // A service whose category the list does not name still shows, last.
  const known = new Set((data?.categories ?? []).map((c) => c.code));
  const others = shown.filter((s) => !known.has(s.category));
  const item = (section: string) => (s: ServiceTile) => (
    <ServiceItem key={s.code} service={s} favourite={favourites.includes(s.code)} section={section} onToggle={(x) => void toggle(x)} />
  );

  return (
    <>
      <h1>{t('services.all')}</h1>
      {list.failure && (
        <ProblemAlert failure={list.failure}>
          <button type="button" class="button button-secondary" onClick={() => void list.reload()}>
            {t('common.retry')}
          </button>
        </ProblemAlert>
      )}
      {list.loading && !data && <p aria-busy="true">{t('common.loading')}</p>}
      {data && (
        <>
          <div role="search" class="service-search">
            <Field label={t('services.search')} type="search" name="q" autocomplete="off" value={query} onValue={setQuery} />
          </div>
          <ProblemAlert failure={failure} />
          {shown.length === 0 && (
            <p class="muted" role="status" data-testid="services-none">
              {t('services.none')}
            </p>
          )}
          {favouriteTiles.length > 0 && (
            <section class="card" aria-labelledby="services-favourites" data-testid="services-favourites">
              <h2 id="services-favourites">{t('services.favourites')}</h2>
              <ul class="service-list">{favouriteTiles.map(item('fav'))}</ul>
            </section>
          )}
          {groups.map(({ category, items }) => (
            <section key={category.code} class="card" aria-labelledby={serviceNameId('category', category.code)} data-category={category.code}>
              <h2 id={serviceNameId('category', category.code)}>{category.name}</h2>
              <ul class="service-list">{items.map(item(`cat-${category.code}`))}</ul>
            </section>
          ))}
          {others.length > 0 && (
            <section class="card" data-category="">
              <ul class="service-list">{others.map(item('other'))}</ul>
            </section>
          )}
        </>
      )}
    </>
  );
}
