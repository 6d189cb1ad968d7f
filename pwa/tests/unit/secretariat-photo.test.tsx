// The secretariat's « Photo de carte » on a student's page: the current photo or none, « Choisir
// une photo » sending the file's bytes with their own type (and the CSRF header), the server's
// refusal in its words, the checks made before sending, « Retirer la photo » after confirmation;
// nothing of it for someone who is not a student.
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../../src/i18n';
import { startRouter } from '../../src/router';
import { CONFIG, ME, mockApi, PROBLEM, type Handler, type Reply } from './api-mock';
import { $, click, flush, mount, openApp, unmount } from './dom';

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
const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PHOTO_URL = '/api/secretariat/people/p-9/card-photo';

/** The person's page, with the photo the server has (null: none) and these answers. */
async function person(account: object, routes: Record<string, Handler | Reply> = {}) {
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': { body: STAFF },
    'GET /api/secretariat/people/p-9': { body: { account, active_sessions: 0, events: [], registrations: [] } },
    [`GET ${PHOTO_URL}`]: PROBLEM('no-card-photo', 404),
    ...routes,
  });
  await openApp('/more/secretariat/p-9');
  return mock;
}

/** Chooses `file` in the photo's file input, as the system's picker does. */
async function choose(file: File) {
  const input = $<HTMLInputElement>('[data-testid="photo-input"]');
  expect(input).not.toBeNull();
  Object.defineProperty(input, 'files', { configurable: true, value: [file] });
  await act(() => {
    input!.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await flush();
}

let stop: () => void;
beforeEach(() => {
  setLang('fr');
  mount();
  stop = startRouter();
});
afterEach(() => {
  unmount();
  stop();
  vi.unstubAllGlobals();
});

describe('the secretariat’s card photo', () => {
  it('says when the card has none, and takes images only', async () => {
    await person(PERSON);
    expect($('#photo-title')?.textContent).toBe('Photo de carte');
    expect($('[data-testid="person-photo-none"]')?.textContent).toBe('Pas de photo sur la carte.');
    expect($('[data-testid="photo-input"]')?.getAttribute('accept')).toBe('image/jpeg,image/png,image/webp');
    expect($('[data-testid="photo-remove"]')).toBeNull();
    expect($('[data-testid="problem"]')).toBeNull();
  });

  it('sends the chosen file’s bytes with its type, then shows the new photo', async () => {
    let stored = false;
    const mock = await person(PERSON, {
      [`GET ${PHOTO_URL}`]: () => (stored ? { raw: new Blob([PNG_BYTES], { type: 'image/png' }) } : PROBLEM('no-card-photo', 404)),
      [`PUT ${PHOTO_URL}`]: () => {
        stored = true;
        return { status: 204 };
      },
    });
    await choose(new File([PNG_BYTES], 'jules.png', { type: 'image/png' }));
    const put = mock.requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe(PHOTO_URL);
    expect(put?.headers.get('Content-Type')).toBe('image/png');
    expect(put?.headers.get('X-CSRF-Token')).toBe(ME.csrf_token);
    expect(put?.body).toBeInstanceOf(Blob);
    expect(new Uint8Array(await (put?.body as Blob).arrayBuffer())).toEqual(PNG_BYTES);
    const img = $<HTMLImageElement>('[data-testid="person-photo-img"]');
    expect(img?.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(img?.getAttribute('alt')).toBe('Photo de Jules Petit');
    expect($('[data-testid="photo-done"]')?.textContent).toBe('C’est fait.');
    // The page is read again: the security log has the change.
    expect(mock.requests.filter((r) => r.path === '/api/secretariat/people/p-9')).toHaveLength(2);
  });

  it('shows the server’s refusal in its words', async () => {
    const title = 'Photo refusée : une image JPEG, PNG ou WebP de 2 Mo au plus, d’au moins 150 × 150 pixels';
    await person(PERSON, { [`PUT ${PHOTO_URL}`]: PROBLEM('card-photo-invalid', 400, { title }) });
    await choose(new File([PNG_BYTES], 'small.png', { type: 'image/png' }));
    expect($('[data-testid="problem"]')?.dataset.problem).toBe('card-photo-invalid');
    expect($('[data-testid="problem"]')?.textContent).toBe(title);
    expect($('[data-testid="person-photo-none"]')).not.toBeNull();
  });

  it('explains a body too large for the server as a photo too heavy', async () => {
    await person(PERSON, { [`PUT ${PHOTO_URL}`]: PROBLEM('payload-too-large', 413) });
    await choose(new File([PNG_BYTES], 'big.png', { type: 'image/png' }));
    expect($('[data-testid="problem"]')?.textContent).toBe('Cette photo est trop lourde : choisissez un fichier plus léger.');
  });

  it('does not send a file of another type, or over 2 MB', async () => {
    const mock = await person(PERSON);
    await choose(new File(['GIF89a'], 'photo.gif', { type: 'image/gif' }));
    expect($('[data-testid="problem"]')?.textContent).toBe('Choisissez une image JPEG, PNG ou WebP.');
    await choose(new File([new Uint8Array(2_000_001)], 'huge.jpg', { type: 'image/jpeg' }));
    expect($('[data-testid="problem"]')?.textContent).toBe('Cette photo est trop lourde : choisissez un fichier plus léger.');
    expect(mock.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  it('takes the photo off after confirmation', async () => {
    const mock = await person(PERSON, {
      [`GET ${PHOTO_URL}`]: { raw: new Blob([PNG_BYTES], { type: 'image/png' }) },
      [`DELETE ${PHOTO_URL}`]: { status: 204 },
    });
    expect($('[data-testid="person-photo-img"]')).not.toBeNull();
    await click('[data-testid="photo-remove"]');
    expect($('[data-testid="action-dialog"]')?.textContent).toContain('Retirer la photo de la carte de Jules Petit ?');
    await click('[data-testid="action-confirm"]');
    expect(mock.requests.some((r) => r.method === 'DELETE' && r.path === PHOTO_URL)).toBe(true);
    expect($('[data-testid="person-photo-img"]')).toBeNull();
    expect($('[data-testid="person-photo-none"]')).not.toBeNull();
  });

  it('is not there for someone who is not a student', async () => {
    const mock = await person({ ...PERSON, role: 'teacher', number: 'T1009' });
    expect($('[data-testid="person-photo"]')).toBeNull();
    expect(mock.requests.some((r) => r.path === PHOTO_URL)).toBe(false);
  });
});
