import { help, openCount, queueName, queuesPath } from '../api/help';
import { useI18n } from '../i18n';
import { ChevronIcon } from './Icons';
import { useLoad } from './useLoad';

/** « Demandes à traiter » on the staff's home: each queue they answer, with what waits there. */
export function HelpQueuesCard() {
  const { t } = useI18n();
  const queues = useLoad(help.queues);
  // A queue list that cannot be had leaves the card out: « Demandes à traiter » says why.
  if (queues.failure) return null;
  return (
    <section class="card" aria-labelledby="help-queues-title" data-testid="help-queues">
      <h2 id="help-queues-title">{t('help.queuesTab')}</h2>
      {queues.loading && !queues.data && (
        <p class="muted" aria-busy="true">
          {t('common.loading')}
        </p>
      )}
      <ul class="link-list">
        {(queues.data ?? []).map((queue) => (
          <li key={queue.code}>
            <a class="list-link" href={queuesPath(queue.code)} data-queue={queue.code}>
              <span class="link-lines">
                <span>{queueName(queue)}</span>
                <span class="muted" data-testid="help-queue-counts">
                  {t('home.queueCounts', { open: String(openCount(queue)), new: String(queue.counts.new) })}
                </span>
              </span>
              <ChevronIcon />
            </a>
          </li>
        ))}
        <li>
          <a class="list-link" href="/help/queues" data-testid="help-queues-all">
            <span>{t('home.allQueues')}</span>
            <ChevronIcon />
          </a>
        </li>
      </ul>
    </section>
  );
}
