import type { ComponentChildren } from 'preact';
import { useI18n, type MessageKey } from '../i18n';
import { Button, ProblemAlert } from './Form';
import type { Pages } from './usePages';

/** A list loaded page by page: loading, failure with retry, empty state, rows, « Voir plus ». Test ids are `<testId>-loading|empty|list|more`. */
export function PagedList<T extends { id: number | string }>(props: {
  pages: Pages<T> & { reload: () => Promise<void>; more: () => Promise<void> };
  testId: string;
  text: { loading: MessageKey; empty: MessageKey; more: MessageKey };
  row: (item: T) => ComponentChildren;
}) {
  const { t } = useI18n();
  const { pages, testId, text } = props;
  return (
    <>
      {pages.loading && (
        <p class="muted" aria-busy="true" data-testid={`${testId}-loading`}>
          {t(text.loading)}
        </p>
      )}
      {pages.failure && (
        <ProblemAlert failure={pages.failure}>
          <button type="button" class="button button-secondary" onClick={() => void pages.reload()}>
            {t('common.retry')}
          </button>
        </ProblemAlert>
      )}
      {!pages.loading && !pages.failure && pages.items.length === 0 && (
        <p class="muted" data-testid={`${testId}-empty`}>
          {t(text.empty)}
        </p>
      )}
      {pages.items.length > 0 && (
        <ul class="help-list" data-testid={`${testId}-list`}>
          {pages.items.map(props.row)}
        </ul>
      )}
      <ProblemAlert failure={pages.moreFailure} />
      {pages.next && (
        <Button type="button" variant="secondary" busy={pages.loadingMore} onClick={() => void pages.more()} testId={`${testId}-more`}>
          {t(text.more)}
        </Button>
      )}
    </>
  );
}
