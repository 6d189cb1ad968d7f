import { useState } from 'preact/hooks';
import { useI18n } from '../i18n';
import { navigate } from '../router';
import { Button, Field } from './Form';

/** « Annuaire » on the home: a name typed here opens the directory's search with it (`/directory?q=…`). */
export function DirectorySearchCard() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const search = (e: Event) => {
    e.preventDefault();
    const name = q.trim();
    navigate(name ? `/directory?${new URLSearchParams({ q: name }).toString()}` : '/directory');
  };
  return (
    <section class="card" aria-labelledby="directory-search-title" data-testid="directory-search">
      <h2 id="directory-search-title">{t('directory.title')}</h2>
      <form role="search" class="form" onSubmit={search}>
        <Field label={t('directory.search')} hint={t('directory.searchHint')} type="search" name="q" autocomplete="off" value={q} onValue={setQ} />
        <Button testId="directory-search-submit">{t('home.directorySearch')}</Button>
      </form>
    </section>
  );
}
