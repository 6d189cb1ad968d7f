import { LANGUAGES, loadCatalogue } from '../../src/i18n';

// Every catalogue at hand, as once a language has been chosen in the app.
for (const lang of LANGUAGES) await loadCatalogue(lang);
// The screens, fetched on demand in the app (src/lazy.tsx), already transformed here so that they
// appear within a test's flush() as they do within a frame in a browser with its worker.
await Promise.all(Object.values(import.meta.glob('../../src/pages/*.tsx')).map((load) => load()));
