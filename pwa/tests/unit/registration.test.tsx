// Registration (« scolarité »): the /registration screen's states and the home card that shows
// only when a re-registration is open or documents are missing.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RegistrationView } from '../../src/api/registration';
import { setLang } from '../../src/i18n';
import { startRouter } from '../../src/router';
import { CONFIG, ME, mockApi, PROBLEM, type Reply } from './api-mock';
import { $, $$, mount, openApp, unmount } from './dom';

const year = (patch: Partial<RegistrationView> = {}): RegistrationView => ({
  academic_year: '2027-2028',
  program: 'Licence Informatique — L2',
  administrative: 'not_started',
  pedagogical: 'not_started',
  cvec: false,
  missing_documents: [],
  opens_on: '2026-11-15',
  closes_on: '2027-07-15',
  due: true,
  certificate: false,
  ...patch,
});
const DONE = year({ academic_year: '2026-2027', administrative: 'complete', pedagogical: 'complete', cvec: true, due: false, certificate: true, opens_on: undefined, closes_on: undefined });
const SITE = { name: 'le site des inscriptions', href: 'https://inscriptions.univ-tours.fr' };

async function start(path: string, registrations: Reply, me: object = ME) {
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': { body: me },
    'GET /api/me/registrations': registrations,
  });
  await openApp(path);
  return mock;
}

let stop: () => void;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-02T09:30:00Z'));
  setLang('fr');
  mount();
  stop = startRouter();
});
afterEach(() => {
  unmount();
  stop();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the registration screen', () => {
  it('shows each year, latest first, with its statuses in words, CVEC, the window and the certificate', async () => {
    await start('/registration', { body: { registrations: [year(), DONE], site: SITE } });
    const years = $$('[data-testid="registration-year"]');
    expect(years.map((y) => y.dataset.year)).toEqual(['2027-2028', '2026-2027']);
    expect(years[0]?.querySelector('[data-testid="registration-window"]')?.textContent).toBe('Réinscription ouverte jusqu’au 15 juillet');
    expect(years[0]?.querySelector('[data-testid="registration-administrative"]')?.textContent).toBe('Non commencée');
    expect(years[0]?.querySelector('[data-testid="registration-cvec"]')?.textContent).toBe('Attestation à fournir');
    expect(years[0]?.querySelector('[data-testid="certificate-link"]')).toBeNull();
    expect(years[1]?.querySelector('[data-testid="registration-administrative"]')?.textContent).toBe('Complète');
    const certificate = years[1]?.querySelector<HTMLAnchorElement>('[data-testid="certificate-link"]');
    expect(certificate?.getAttribute('href')).toBe('/api/me/registrations/2026-2027/certificate');
    expect(certificate?.hasAttribute('download')).toBe(true);
    expect($<HTMLAnchorElement>('[data-testid="registration-site"]')?.href).toBe('https://inscriptions.univ-tours.fr/');
  });

  it('lists the missing documents and says when a future window opens', async () => {
    const waiting = year({ administrative: 'awaiting_documents', missing_documents: ['Photo d’identité', 'Attestation CVEC'], due: false, opens_on: '2027-06-01' });
    await start('/registration', { body: { registrations: [waiting], site: null } });
    expect($('[data-testid="registration-administrative"]')?.textContent).toBe('Pièces manquantes');
    expect($$('[data-testid="registration-missing"] li').map((li) => li.textContent)).toEqual(['Photo d’identité', 'Attestation CVEC']);
    expect($('[data-testid="registration-window"]')?.textContent).toBe('La réinscription ouvre le 1 juin');
    expect($('[data-testid="registration-site"]')).toBeNull();
  });

  it('says when there is none, and shows a failure', async () => {
    await start('/registration', { body: { registrations: [], site: null } });
    expect($('[data-testid="registration-empty"]')).not.toBeNull();
    unmount();
    mount();
    await start('/registration', PROBLEM('unavailable', 503));
    expect($('[role="alert"]')).not.toBeNull();
  });

  it('is a student’s screen only', async () => {
    await start('/registration', { body: { registrations: [year()], site: null } }, { ...ME, role: 'teacher' });
    expect($('[data-testid="registration-year"]')).toBeNull();
  });
});

describe('the home registration card', () => {
  const home = { ...ME, home: { ...ME.home, cards: ['registration'] } };

  it('says the re-registration is open until its closing day', async () => {
    await start('/', { body: { registrations: [year(), DONE], site: null } }, home);
    const card = $<HTMLAnchorElement>('[data-testid="registration-card"]');
    expect(card?.getAttribute('href')).toBe('/registration');
    expect(card?.textContent).toContain('Votre réinscription 2027-2028 est ouverte jusqu’au 15 juillet');
  });

  it('shows missing documents outside the window', async () => {
    await start('/', { body: { registrations: [year({ due: false, missing_documents: ['Photo'] })], site: null } }, home);
    expect($('[data-testid="registration-card"]')?.textContent).toContain('Il manque des pièces à votre inscription 2027-2028');
  });

  it('is hidden when nothing is to do', async () => {
    await start('/', { body: { registrations: [DONE], site: null } }, home);
    expect($('[data-testid="registration-card"]')).toBeNull();
  });
});
