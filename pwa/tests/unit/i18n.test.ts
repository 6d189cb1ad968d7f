import { beforeEach, describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en';
import { fr } from '../../src/i18n/fr';
import {
  catalogues,
  loadCatalogue,
  getLang,
  initialLang,
  LANGUAGES,
  onLangChange,
  resetLangFromEnvironment,
  setLang,
  STORAGE_KEY,
  translate,
} from '../../src/i18n';

describe('catalogues', () => {
  it('have the same keys in every language', () => {
    const keys = Object.keys(fr).sort();
    for (const lang of LANGUAGES) expect(Object.keys(catalogues[lang] ?? {}).sort()).toEqual(keys);
    expect(Object.keys(en).sort()).toEqual(keys);
  });

  it('have no empty message and the same placeholders', () => {
    for (const key of Object.keys(fr) as (keyof typeof fr)[]) {
      expect(fr[key].trim(), key).not.toBe('');
      expect(en[key].trim(), key).not.toBe('');
      const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(holes(en[key]), key).toEqual(holes(fr[key]));
    }
  });

  it('use the words of the university in French', () => {
    expect(fr['more.assistance']).toBe('Assistance connexion étudiant');
    expect(fr['install.iosStep2']).toContain('« Sur l’écran d’accueil »');
    expect(en['install.iosStep2']).toContain('Add to Home Screen');
    expect(fr['nav.timetable']).toBe('Emploi du temps');
  });

  it('translate placeholders', () => {
    expect(translate('fr', 'nav.home', { name: 'x' })).toBe('Accueil');
    expect(translate('en', 'home.welcome')).toBe('Welcome to your digital workspace');
  });
});

describe('initial language', () => {
  it('prefers the stored choice', () => {
    expect(initialLang('en', ['fr-FR'])).toBe('en');
    expect(initialLang('fr', ['en-US'])).toBe('fr');
  });
  it('else uses English when the browser asks for it', () => {
    expect(initialLang(null, ['en-GB', 'fr'])).toBe('en');
    expect(initialLang(null, ['EN'])).toBe('en');
  });
  it('else falls back to French', () => {
    expect(initialLang(null, ['de-DE', 'en'])).toBe('fr');
    expect(initialLang('xx', [])).toBe('fr');
    expect(initialLang(null, ['fr-FR'])).toBe('fr');
  });
});

describe('language choice', () => {
  beforeEach(() => localStorage.clear());

  it('is remembered in localStorage and sets <html lang>', () => {
    const seen: string[] = [];
    const off = onLangChange((lang) => seen.push(lang));
    setLang('en');
    expect(localStorage.getItem(STORAGE_KEY)).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(getLang()).toBe('en');
    setLang('fr');
    off();
    setLang('en');
    expect(seen).toEqual(['en', 'fr']);
  });

  it('survives a restart', () => {
    setLang('en');
    expect(resetLangFromEnvironment()).toBe('en');
    localStorage.clear();
    Object.defineProperty(navigator, 'languages', { value: ['fr-FR'], configurable: true });
    expect(resetLangFromEnvironment()).toBe('fr');
    expect(document.documentElement.lang).toBe('fr');
  });

  it('fetches a catalogue not yet here before switching to it', async () => {
    setLang('fr');
    delete catalogues.en;
    setLang('en');
    expect(getLang()).toBe('fr'); // still French while English is on its way
    await loadCatalogue('en');
    expect(getLang()).toBe('en');
    expect(translate('en', 'nav.home')).toBe('Home');
  });
});
