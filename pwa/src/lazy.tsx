import { h, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from './i18n';

/** A component whose code can be fetched ahead of showing it. */
export interface Loadable {
  load(): Promise<unknown>;
}

/**
 * The component `name` of a module fetched the first time it is shown (or `load`ed): the module
 * is its own chunk, which the service worker precaches like the rest, so it opens offline too.
 * Nothing is shown while it comes.
 */
export function lazy<M extends Record<K, ComponentType<never>>, K extends keyof M>(module: () => Promise<M>, name: K): M[K] & Loadable {
  let loaded: M[K] | null = null;
  let pending: Promise<M[K]> | null = null;
  const load = () =>
    (pending ??= module().then(
      (m) => (loaded = m[name]),
      (error: unknown) => {
        pending = null; // asked again the next time it is shown
        throw error;
      },
    ));
  function Lazy(props: object) {
    const [component, setComponent] = useState(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (component) return;
      let shown = true;
      load().then(
        (c) => shown && setComponent(() => c),
        () => shown && setFailed(true),
      );
      return () => {
        shown = false;
      };
    }, []);
    if (component) return h(component as ComponentType<object>, props);
    return failed ? <LoadFailed /> : null;
  }
  return Object.assign(Lazy, { load }) as unknown as M[K] & Loadable;
}

/**
 * The chunk could not be fetched: a new version was published meanwhile (its worker dropped the
 * old chunks) or the network failed before any worker was installed. Reloading gets the current one.
 */
function LoadFailed() {
  const { t } = useI18n();
  return (
    <div class="card" role="alert" data-testid="load-failed">
      <p>{t('page.loadFailed')}</p>
      <button class="button" type="button" onClick={() => location.reload()}>
        {t('common.retry')}
      </button>
    </div>
  );
}
