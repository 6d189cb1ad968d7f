// Registration (« scolarité »): the /registration screen's states, the home card that shows
// only when a re-registration is open or documents are missing, and the secretariat's
// « Scolarité » section of a person, in the same words (src/registration/labels.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RegistrationView } from '../../src/api/registration';
import { setLang, translate } from '../../src/i18n';
import { latestFirst, windowDates } from '../../src/registration/labels';
import { startRouter } from '../../src/router';
import { CONFIG, ME, mockApi, PROBLEM, type Reply } from './api-mock';
import { $, $$, flush, mount, openApp, unmount } from './dom';

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

describe('the secretariat’s « Scolarité » section of a person', () => {
  const STAFF = { ...ME, role: 'staff', permissions: ['accounts'] };
  const PERSON = {
    person_id: 'p-9',
    number: '25000009',
    family_name: 'Petit',
    given_name: 'Jules',
    role: 'student',
    institutional_email: 'jules.petit@etu.univ-tours.fr',
    mobile_phone: '+33699000009',
    enrolment: 'enrolled',
    account_state: 'active',
    two_factor_enabled: false,
  };
  const MISSING = year({
    academic_year: '2025-2026',
    administrative: 'awaiting_documents',
    pedagogical: 'in_progress',
    missing_documents: ['Photo d’identité', 'Attestation CVEC'],
    due: false,
    opens_on: undefined,
    closes_on: undefined,
  });

  async function person(registrations: RegistrationView[]) {
    mockApi({
      'GET /api/config/public': { body: CONFIG },
      'GET /api/session': { body: STAFF },
      'GET /api/secretariat/people/p-9': { body: { account: PERSON, active_sessions: 0, events: [], registrations } },
    });
    await openApp('/more/secretariat/p-9');
  }
  const field = (block: HTMLElement | undefined, id: string) => block?.querySelector(`[data-testid="${id}"]`)?.textContent;

  it('shows one block a year, latest first, with the statuses in the student’s words, CVEC, documents and window', async () => {
    // Given out of order: the screen still puts the latest year first.
    await person([MISSING, year(), DONE]);
    expect($('#registrations-title')?.textContent).toBe('Scolarité');
    const blocks = $$('[data-testid="person-registration"]');
    expect(blocks.map((b) => b.dataset.year)).toEqual(['2027-2028', '2026-2027', '2025-2026']);
    const [next, current, old] = blocks;
    expect(next?.querySelector('h3')?.textContent).toBe('Année 2027-2028');
    expect(next?.textContent).toContain('Licence Informatique — L2');
    expect(field(next, 'registration-administrative')).toBe('Non commencée');
    expect(field(next, 'registration-pedagogical')).toBe('Non commencée');
    expect(field(next, 'registration-cvec')).toBe('Attestation à fournir');
    expect(field(next, 'registration-missing')).toBe('—');
    expect(field(next, 'registration-window')).toBe('Du 15 novembre 2026 au 15 juillet 2027');
    expect(field(current, 'registration-administrative')).toBe('Complète');
    expect(field(current, 'registration-cvec')).toBe('Attestation fournie');
    expect(field(current, 'registration-window')).toBe('—');
    expect(field(old, 'registration-administrative')).toBe('Pièces manquantes');
    expect(field(old, 'registration-pedagogical')).toBe('En cours');
    expect(field(old, 'registration-missing')).toBe('Photo d’identité, Attestation CVEC');
    expect($('[data-testid="person-registrations-empty"]')).toBeNull();
  });

  it('uses the same words as the student’s screen, in English too', async () => {
    await person([year(), DONE]);
    const staffWords = $$('[data-testid="person-registration"] [data-testid="registration-administrative"]').map((d) => d.textContent);
    unmount();
    mount();
    await start('/registration', { body: { registrations: [year(), DONE], site: null } });
    expect($$('[data-testid="registration-year"] [data-testid="registration-administrative"]').map((d) => d.textContent)).toEqual(staffWords);

    unmount();
    mount();
    setLang('en');
    await flush();
    await person([year(), DONE]);
    expect($('#registrations-title')?.textContent).toBe('Registration');
    const next = $$('[data-testid="person-registration"]')[0];
    expect(field(next, 'registration-administrative')).toBe('Not started');
    expect(field(next, 'registration-cvec')).toBe('Certificate to give');
    expect(field(next, 'registration-window')).toBe('From 15 November 2026 to 15 July 2027');
  });

  it('says when the person has no registration', async () => {
    await person([]);
    expect($('[data-testid="person-registrations-empty"]')?.textContent).toBe('Aucune inscription enregistrée.');
    expect($('[data-testid="person-registration"]')).toBeNull();
  });
});

describe('registration labels', () => {
  it('sorts the latest year first without changing the list given', () => {
    const given = [DONE, year(), year({ academic_year: '2024-2025' })];
    expect(latestFirst(given).map((r) => r.academic_year)).toEqual(['2027-2028', '2026-2027', '2024-2025']);
    expect(given.map((r) => r.academic_year)).toEqual(['2026-2027', '2027-2028', '2024-2025']);
  });

  it('gives the window’s dates with their years, or nothing without a window', () => {
    const t = (key: Parameters<typeof translate>[1], params?: Record<string, string>) => translate('fr', key, params);
    expect(windowDates(year({ opens_on: '2026-12-31', closes_on: '2027-01-01' }), 'fr', t)).toBe('Du 31 décembre 2026 au 1 janvier 2027');
    expect(windowDates(DONE, 'fr', t)).toBeNull();
  });
});
