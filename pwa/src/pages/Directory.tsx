import { useEffect, useState } from 'preact/hooks';
import { directory, type DirectoryEntry, type DirectoryQuery } from '../api/directory';
import { messages } from '../api/messages';
import type { Failure } from '../api/problems';
import { useAuth, useTabs } from '../auth';
import { Button, Field, ProblemAlert } from '../components/Form';
import { ChevronIcon } from '../components/Icons';
import { PagedList } from '../components/PagedList';
import { useLoad } from '../components/useLoad';
import { usePages } from '../components/usePages';
import { useConfig } from '../config';
import { useI18n } from '../i18n';
import { rememberConversation } from '../messages/conversations';
import { navigate, queryParam } from '../router';

/** « +33247367001 » as « 02 47 36 70 01 »; any other number as it is. */
export function formatPhone(phone: string): string {
  const m = /^\+33([1-9]\d{8})$/.exec(phone);
  return m ? `0${m[1]}`.replace(/(\d\d)(?=\d)/g, '$1 ') : phone;
}

/** Whether the query asks anything: a name from 2 letters, or a filter. */
export const asks = (query: DirectoryQuery) => (query.q ?? '').trim().length >= 2 || !!query.service || !!query.campus;

const fullName = (p: DirectoryEntry) => `${p.given_name} ${p.family_name}`;
const DEBOUNCE_MS = 300;
// The last search's address: a card's back link returns to it.
let lastSearch = '/directory';

function Results({ query }: { query: DirectoryQuery }) {
  const { t } = useI18n();
  const pages = usePages(async (cursor) => {
    const outcome = await directory.search(query, cursor);
    return outcome.ok ? { ok: true as const, data: { items: outcome.data.people, next_cursor: outcome.data.next } } : outcome;
  }, [query.q, query.service, query.campus]);
  const limited = pages.failure?.status === 429 || pages.moreFailure?.status === 429;
  return (
    <>
      {limited && <p class="muted" data-testid="directory-limited">{t('directory.limited')}</p>}
      <PagedList
        pages={pages}
        testId="directory"
        text={{ loading: 'common.loading', empty: 'directory.none', more: 'directory.more' }}
        row={(p) => (
          <li key={p.id}>
            <a class="list-link" href={`/directory/${encodeURIComponent(p.id)}`} data-person={p.id}>
              <span class="person-line">
                <span>{fullName(p)}</span>
                <span class="muted">{[p.title, p.service].filter(Boolean).join(' · ')}</span>
              </span>
              <ChevronIcon />
            </a>
          </li>
        )}
      />
    </>
  );
}

/** « Annuaire »: search teachers and staff by name (as one types), service and campus. */
export function DirectorySearch() {
  const { t } = useI18n();
  const config = useConfig();
  const services = useLoad(directory.services);
  const [q, setQ] = useState(() => queryParam('q') ?? '');
  const [service, setService] = useState(() => queryParam('service') ?? '');
  const [campus, setCampus] = useState(() => queryParam('campus') ?? '');
  const [typed, setTyped] = useState(q.trim());
  useEffect(() => {
    const timer = setTimeout(() => setTyped(q.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [q]);
  const query: DirectoryQuery = { q: typed.length >= 2 ? typed : '', service, campus };
  // Back from a card returns to the same search.
  useEffect(() => {
    const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v) as [string, string][]).toString();
    lastSearch = `/directory${search ? `?${search}` : ''}`;
    history.replaceState(null, '', lastSearch);
  }, [query.q, service, campus]);
  const campuses = config.status === 'ready' ? config.config.campuses : [];
  // Reached from « Plus » unless it is a tab of its own.
  const fromMore = !useTabs().includes('directory');

  return (
    <>
      {fromMore && (
        <a class="back-link" href="/more">
          ‹ {t('page.more')}
        </a>
      )}
      <h1>{t('directory.title')}</h1>
      <div role="search" class="card form">
        <Field label={t('directory.search')} hint={t('directory.searchHint')} type="search" name="q" autocomplete="off" value={q} onValue={setQ} />
        <div class="field">
          <label for="directory-service">{t('directory.service')}</label>
          <select id="directory-service" name="service" class="input" value={service} onChange={(e) => setService(e.currentTarget.value)}>
            <option value="">{t('directory.any')}</option>
            {(services.data ?? []).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="directory-campus">{t('directory.campus')}</label>
          <select id="directory-campus" name="campus" class="input" value={campus} onChange={(e) => setCampus(e.currentTarget.value)}>
            <option value="">{t('directory.any')}</option>
            {campuses.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {asks(query) ? <Results query={query} /> : <p class="muted">{t('directory.prompt')}</p>}
    </>
  );
}

/** One person's card: title, service, campus, office, phone, e-mail, « Écrire un message ». */
export function DirectoryCard({ id }: { id: string }) {
  const { t } = useI18n();
  const auth = useAuth();
  const card = useLoad(() => directory.card(id));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const p = card.data;

  const write = async () => {
    setBusy(true);
    setFailure(null);
    const outcome = await messages.start({ person: id });
    setBusy(false);
    if (!outcome.ok) return setFailure(outcome.failure);
    rememberConversation(outcome.data);
    navigate(`/messages/${outcome.data.id}`);
  };

  const rows: [string, string | undefined][] = p
    ? [
        [t('directory.service'), p.service],
        [t('directory.campus'), p.campus],
        [t('directory.office'), p.office],
      ]
    : [];
  return (
    <>
      <a class="back-link" href={lastSearch}>
        ‹ {t('directory.title')}
      </a>
      {card.failure && <ProblemAlert failure={card.failure} />}
      {card.loading && !p && <p aria-busy="true">{t('common.loading')}</p>}
      {p && (
        <section class="card" data-testid="directory-card">
          <h1>{fullName(p)}</h1>
          {p.title && <p data-testid="directory-title">{p.title}</p>}
          <dl>
            {rows
              .filter(([, value]) => value)
              .map(([label, value]) => (
                <div key={label}>
                  <dt class="muted">{label}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
          </dl>
          <ul class="link-list">
            {p.professional_phone && (
              <li>
                <a class="list-link" href={`tel:${p.professional_phone}`} rel="external" aria-label={t('directory.call', { phone: formatPhone(p.professional_phone) })}>
                  <span>{formatPhone(p.professional_phone)}</span>
                </a>
              </li>
            )}
            {p.email && (
              <li>
                <a class="list-link" href={`mailto:${p.email}`} rel="external">
                  <span>{p.email}</span>
                </a>
              </li>
            )}
          </ul>
          <ProblemAlert failure={failure} />
          {auth.status === 'signed-in' && auth.me.person_id !== p.id && (
            <Button type="button" busy={busy} onClick={() => void write()} testId="directory-write">
              {t('directory.write')}
            </Button>
          )}
        </section>
      )}
    </>
  );
}
