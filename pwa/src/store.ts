// What the app's modules share with the screens: a value that tells its subscribers when it
// changes (the session, the configuration, the feed, the badge…), and events that carry no value.
import { useEffect, useState } from 'preact/hooks';

/** Listeners told of each event, in the order they came; `on` answers the function that stops. */
export function events<E = void>() {
  const listeners = new Set<(event: E) => void>();
  return {
    on: (listener: (event: E) => void): (() => void) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit: (event: E): void => {
      // A copy: a listener may stop listening (or another start) while being told.
      for (const listener of [...listeners]) listener(event);
    },
  };
}

export interface Store<T> {
  readonly value: T;
  /** Replace the value and tell every subscriber. */
  set: (next: T) => void;
  subscribe: (listener: (value: T) => void) => () => void;
}

export function store<T>(initial: T): Store<T> {
  let value = initial;
  const changes = events<T>();
  return {
    get value() {
      return value;
    },
    set: (next) => {
      value = next;
      changes.emit(next);
    },
    subscribe: changes.on,
  };
}

/** Hook: the store's value, rendered again when it changes. */
export function useStore<T>(source: Store<T>): T {
  // Kept in an object: a value that is itself a function must not be taken for an updater.
  const [seen, setSeen] = useState(() => ({ value: source.value }));
  useEffect(() => {
    const follow = (value: T) => setSeen((last) => (last.value === value ? last : { value }));
    follow(source.value); // changed between the render and this effect
    return source.subscribe(follow);
  }, [source]);
  return seen.value;
}
