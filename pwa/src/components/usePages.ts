import { useEffect, useRef, useState } from 'preact/hooks';
import type { Outcome } from '../api/client';
import type { Failure } from '../api/problems';

export interface Pages<T> {
  items: T[];
  /** The next page's cursor; null at the end. */
  next: string | null;
  loading: boolean;
  /** A « Voir plus » in progress. */
  loadingMore: boolean;
  /** The first page failed (nothing to show). */
  failure: Failure | null;
  /** « Voir plus » failed (the loaded pages stay). */
  moreFailure: Failure | null;
}

const FIRST = { items: [], next: null, loading: true, loadingMore: false, failure: null, moreFailure: null };

/**
 * Hook: the pages of a keyset-paginated list, the first one loaded again whenever `deps` change
 * (an answer to an older query is dropped); `more` adds the next page (an item already there is
 * not repeated).
 */
export function usePages<T extends { id: number | string }>(
  load: (cursor: string | null) => Promise<Outcome<{ items: T[]; next_cursor?: string }>>,
  deps: unknown[],
) {
  const [state, setState] = useState<Pages<T>>(FIRST);
  const asked = useRef(0);

  const reload = async () => {
    const n = ++asked.current;
    setState(FIRST);
    const outcome = await load(null);
    if (n !== asked.current) return;
    if (outcome.ok) setState({ ...FIRST, loading: false, items: outcome.data.items, next: outcome.data.next_cursor ?? null });
    else setState({ ...FIRST, loading: false, failure: outcome.failure });
  };

  const more = async () => {
    if (!state.next || state.loadingMore) return;
    const n = asked.current;
    setState((s) => ({ ...s, loadingMore: true, moreFailure: null }));
    const outcome = await load(state.next);
    if (n !== asked.current) return;
    if (!outcome.ok) {
      setState((s) => ({ ...s, loadingMore: false, moreFailure: outcome.failure }));
      return;
    }
    setState((s) => {
      const seen = new Set(s.items.map((i) => i.id));
      return {
        ...s,
        loadingMore: false,
        items: [...s.items, ...outcome.data.items.filter((i) => !seen.has(i.id))],
        next: outcome.data.next_cursor ?? null,
      };
    });
  };

  useEffect(() => {
    void reload();
  }, deps);
  /** Change the loaded items in place (a live update). */
  const update = (change: (items: T[]) => T[]) => setState((s) => ({ ...s, items: change(s.items) }));
  return { ...state, more, reload, update };
}
