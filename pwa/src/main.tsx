import { render } from 'preact';
import { App } from './app';
import { loadSession } from './auth';
import { reportUncaughtErrors } from './error-reports';
import { resetLangFromEnvironment } from './i18n';
import { captureInstallEvents } from './install';
import { startRouter } from './router';
import { listenToServiceWorker, registerServiceWorker } from './sw-register';
import './styles.css';

reportUncaughtErrors(window);
captureInstallEvents(window);
resetLangFromEnvironment();
startRouter();
listenToServiceWorker();
void loadSession();
const root = document.getElementById('app');
if (root) render(<App />, root);
registerServiceWorker();
