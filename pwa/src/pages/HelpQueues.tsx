// « Demandes à traiter » (/help/queues), for staff holding a `help:<queue>` permission: a queue
// (with its counts), a status (the open ones by default), « only mine », a search; the requests
// oldest first with their requester (« sans compte » for connection assistance) and who handles
// them. The choices live in the address, so a request opened from here comes back to them.
import { useEffect, useState } from 'preact/hooks';
import { help, openCount, queueName, queuesPath, type HelpStatus, type HelpSummary } from '../api/help';
import { Button, Field, ProblemAlert, Switch } from '../components/Form';
import { useLoad } from '../components/useLoad';
import { usePages } from '../components/usePages';
import { useI18n } from '../i18n';
import { formatShortDateTime } from '../i18n/format';
import { STATUS_LABEL, STATUSES } from '../help/model';
import { queryParam } from '../router';
import { helpPath, HelpSwitch, rememberQueuePath, StatusBadge } from './Help';

const isStatus = (value: string | null): value is HelpStatus => STATUSES.includes(value as HelpStatus);

function QueueRow({ item }: { item: HelpSummary }) {
  const { t, lang } = useI18n();
  return (
    <li class="help-row" data-testid="queue-item" data-id={item.id}>
      <a class="help-link" href={helpPath(item.id)}>
        <span class="help-text">
          <span class="help-subject" data-testid="queue-subject">
            {item.subject}
          </span>
          <span class="muted block">
            <span data-testid="queue-requester">{item.requester ?? '—'}</span>
            {item.connection && (
              <span class="badge badge-warn" data-testid="queue-no-account">
                {t('help.staff.noAccount')}
              </span>
            )}
            <StatusBadge status={item.status} />
          </span>
          <span class="muted block help-date">
            <span data-testid="queue-assignee">{item.assignee ? t('help.assigned', { name: item.assignee }) : t('help.queues.unassigned')}</span>
            {' · '}
            {t('help.queues.since', { date: formatShortDateTime(item.created_at, lang) })}
          </span>
        </span>
      </a>
    </li>
  );
}

export function HelpQueues() {
  const { t } = useI18n();
  const queues = useLoad(() => help.queues());
  const [queue, setQueue] = useState(() => queryParam('queue') ?? '');
  const [status, setStatus] = useState<HelpStatus | ''>(() => {
    const value = queryParam('status');
    return isStatus(value) ? value : '';
  });
  const [mine, setMine] = useState(() => queryParam('mine') === '1');
  const [typed, setTyped] = useState(() => queryParam('q') ?? '');
  const [search, setSearch] = useState(typed);

  const list = queues.data ?? [];
  const chosen = list.find((q) => q.code === queue) ?? list[0];
  const code = chosen?.code ?? '';
  const pages = usePages(
    (cursor) => (code ? help.queue(code, { status: status || undefined, mine, q: search }, cursor) : Promise.resolve({ ok: true as const, data: { items: [] } })),
    [code, status, mine, search],
  );

  // The choices in the address (back from a request returns to them).
  useEffect(() => {
    if (!code) return;
    const path = queuesPath(code, status, mine, search);
    rememberQueuePath(path);
    if (location.pathname + location.search !== path) history.replaceState(null, '', path);
  }, [code, status, mine, search]);

  return (
    <>
      <h1>{t('page.help')}</h1>
      <HelpSwitch current="queues" />
      {queues.loading && (
        <p class="muted" aria-busy="true">
          {t('common.loading')}
        </p>
      )}
      {queues.failure && (
        <ProblemAlert failure={queues.failure}>
          <button type="button" class="button button-secondary" onClick={() => void queues.reload()}>
            {t('common.retry')}
          </button>
        </ProblemAlert>
      )}
      {queues.data && list.length === 0 && (
        <p class="muted" data-testid="queues-none">
          {t('help.queues.none')}
        </p>
      )}
      {chosen && (
        <>
          <form
            class="card form"
            role="search"
            data-testid="queue-filters"
            onSubmit={(e) => {
              e.preventDefault();
              setSearch(typed.trim());
            }}
          >
            <div class="field">
              <label for="queue-select">{t('help.queues.queue')}</label>
              <select id="queue-select" name="queue" class="input" value={code} onChange={(e) => setQueue(e.currentTarget.value)}>
                {list.map((q) => (
                  <option key={q.code} value={q.code}>
                    {t('help.queues.option', { name: queueName(q), open: String(openCount(q)) })}
                  </option>
                ))}
              </select>
              <p class="hint" data-testid="queue-counts">
                {t('help.queues.counts', {
                  new: String(chosen.counts.new),
                  in_progress: String(chosen.counts.in_progress),
                  waiting: String(chosen.counts.waiting),
                  resolved: String(chosen.counts.resolved),
                  closed: String(chosen.counts.closed),
                })}
              </p>
            </div>
            <div class="field">
              <label for="queue-status">{t('help.queues.status')}</label>
              <select id="queue-status" name="status" class="input" value={status} onChange={(e) => setStatus(e.currentTarget.value as HelpStatus | '')}>
                <option value="">{t('help.queues.open')}</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(STATUS_LABEL[s])}
                  </option>
                ))}
              </select>
            </div>
            <Switch label={t('help.queues.mine')} checked={mine} onChange={setMine} testId="queue-mine" />
            <Field label={t('help.queues.search')} hint={t('help.queues.searchHint')} name="q" type="search" autocomplete="off" maxLength={100} value={typed} onValue={setTyped} />
            <Button variant="secondary" testId="queue-search">
              {t('help.queues.searchButton')}
            </Button>
          </form>
          {pages.loading && (
            <p class="muted" aria-busy="true" data-testid="help-loading">
              {t('help.loading')}
            </p>
          )}
          <ProblemAlert failure={pages.failure} />
          {!pages.loading && !pages.failure && pages.items.length === 0 && (
            <p class="muted" data-testid="queue-empty">
              {t('help.queues.empty')}
            </p>
          )}
          {pages.items.length > 0 && (
            <ul class="help-list" data-testid="queue-list">
              {pages.items.map((item) => (
                <QueueRow key={item.id} item={item} />
              ))}
            </ul>
          )}
          <ProblemAlert failure={pages.moreFailure} />
          {pages.next && (
            <Button type="button" variant="secondary" busy={pages.loadingMore} onClick={() => void pages.more()} testId="queue-more">
              {t('help.more')}
            </Button>
          )}
        </>
      )}
    </>
  );
}
