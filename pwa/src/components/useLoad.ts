import { useEffect, useState } from 'preact/hooks';
import type { Failure } from '../api/problems';

/** Loads once on mount; `reload` fetches again. */
export function useLoad<T>(load: () => Promise<{ ok: true; data: T } | { ok: false; failure: Failure }>) {
  const [state, setState] = useState<{ data?: T; failure?: Failure; loading: boolean }>({ loading: true });
  const reload = async () => {
    setState((s) => ({ ...s, loading: true }));
    const outcome = await load();
    setState(outcome.ok ? { data: outcome.data, loading: false } : { failure: outcome.failure, loading: false });
  };
  useEffect(() => {
    void reload();
  }, []);
  return { ...state, reload };
}
