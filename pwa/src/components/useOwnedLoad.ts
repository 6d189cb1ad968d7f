import { useEffect, useState } from 'preact/hooks';
import { useAuth } from '../auth';
import { useOnline } from '../online';

/**
 * The signed-in person's `load(owner)`: now, again when the connection or the person changes,
 * and `refreshDelay(state)` ms after each answer (null: not again). `retry` shows `initial`
 * and asks again.
 */
export function useOwnedLoad<S>(
  load: (owner: string | null) => Promise<S>,
  refreshDelay: (state: S) => number | null,
  initial: S,
): [S, () => void] {
  const auth = useAuth();
  const owner = auth.status === 'signed-in' ? auth.me.person_id : null;
  const online = useOnline();
  const [state, setState] = useState<S>(initial);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    void load(owner).then((next) => live && setState(next));
    return () => {
      live = false;
    };
  }, [owner, online, round]);
  useEffect(() => {
    const delay = refreshDelay(state);
    if (delay === null) return undefined;
    const timer = setTimeout(() => setRound((r) => r + 1), delay);
    return () => clearTimeout(timer);
  }, [state]);
  const retry = () => {
    setState(initial);
    setRound((r) => r + 1);
  };
  return [state, retry];
}
