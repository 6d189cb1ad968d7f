import { render } from 'preact';
import { App } from './app';
import { loadSession } from './auth';
import { reportUncaughtErrors } from './error-reports';
import { getLang, loadCatalogue, resetLangFromEnvironment } from './i18n';
import { captureInstallEvents } from './install';
import { startRouter } from './router';
import { preloadScreen } from './screens';
import { listenToServiceWorker, registerServiceWorker } from './sw-register';
import './styles.css';

reportUncaughtErrors(window);
captureInstallEvents(window);
startRouter();
listenToServiceWorker();
void loadSession();
// Drawn once the catalogue of the language in use and the code of the screen opened are here
// (each is its own chunk, fetched side by side with the session); a failure shows itself later.
void Promise.allSettled([loadCatalogue(getLang()), preloadScreen(location.pathname)]).then(() => {
  resetLangFromEnvironment();
  const root = document.getElementById('app');
  if (root) render(<App />, root);
});
registerServiceWorker();
