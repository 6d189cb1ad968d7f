import { resyncPush } from './push/device';
import { MESSAGE, messageOf, safeAppPath } from './push/notification';
import { navigate } from './router';

/** Register the service worker (from a module, not an inline script: strict CSP). */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const register = () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // Not fatal: the app still works online without its worker.
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

/**
 * What the worker asks of the page: go to a notification's page with the router (no reload,
 * nothing typed is lost; answered on the message's port so that the worker knows), and check
 * the push subscription again after the worker renewed it.
 */
export function handleWorkerMessage(event: Pick<MessageEvent<unknown>, 'data' | 'ports'>, origin: string = location.origin): void {
  const message = messageOf(event.data);
  if (message?.type === MESSAGE.navigate) {
    navigate(safeAppPath(message.path, origin));
    event.ports[0]?.postMessage({ type: 'ok' });
  } else if (message?.type === MESSAGE.subscriptionChanged) {
    resyncPush();
  }
}

export function listenToServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (event) => handleWorkerMessage(event));
  // Deliver messages queued before this listener existed.
  navigator.serviceWorker.startMessages();
}
