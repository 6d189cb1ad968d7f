// « Assistance »: the routes, my requests, filing one (the checks shown at once, the server's
// problem with its detail, nothing typed lost), a request's thread (texts as text), the
// requester's reply and reopen rules, the staff's actions (take, release, status, note, reply
// with a status, connection details), the queue's filters as the query, and connection
// assistance without an account (form → e-mailed code → reference).
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queueQuery, queuesPath, type HelpDetail, type HelpSummary } from '../../src/api/help';
import { checkConnection, checkRequest, requesterBox } from '../../src/help/model';
import { setLang } from '../../src/i18n';
import { safeAppPath } from '../../src/push/notification';
import { startRouter } from '../../src/router';
import { isPublic, matchScreen } from '../../src/screens';
import { CONFIG, ME, mockApi, PROBLEM, type Handler, type Reply } from './api-mock';
import { $, $$, choose, click, flush, mount, type, unmount, openApp } from './dom';

const STAFF = { ...ME, person_id: 'p-9', given_name: 'Nathalie', family_name: 'Chevalier', role: 'staff', permissions: ['help:comptes', 'help:scolarite'] };
const SCRIPT = '<script>window.__pwned=1</script>';
const CATEGORIES = [
  { code: 'comptes', label: 'Connexion et compte' },
  { code: 'scolarite', label: 'Inscription et scolarité' },
];

const summary = (id: number, patch: Partial<HelpSummary> = {}): HelpSummary => ({
  id,
  category: 'scolarite',
  category_label: 'Inscription et scolarité',
  subject: `Demande ${id}`,
  status: 'new',
  created_at: '2026-12-01T09:00:00Z',
  updated_at: '2026-12-02T09:30:00Z',
  unread: false,
  assigned_to_me: false,
  connection: false,
  ...patch,
});

const detail = (patch: Partial<HelpDetail> = {}): HelpDetail => ({
  ...summary(42, { subject: 'Attestation de scolarité', status: 'in_progress' }),
  viewer: 'requester',
  requester: 'Chloé Lefèvre',
  messages: [
    { id: 1, kind: 'reply', from_requester: true, author: 'Chloé Lefèvre', body: 'Bonjour,\nil me faut une attestation.', at: '2026-12-01T09:00:00Z' },
    { id: 2, kind: 'status', from_requester: false, author: 'Nathalie Chevalier', status: 'in_progress', at: '2026-12-01T10:00:00Z' },
    { id: 3, kind: 'reply', from_requester: false, author: 'Nathalie Chevalier', body: `Voici : ${SCRIPT}`, at: '2026-12-01T10:00:00Z' },
  ],
  ...patch,
});

let stop: () => void;
beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  setLang('fr');
  mount();
  stop = startRouter();
});
afterEach(() => {
  unmount();
  stop();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

async function start(path: string, routes: Record<string, Handler | Reply>, me: Record<string, unknown> | null = ME) {
  const mock = mockApi({
    'GET /api/config/public': { body: CONFIG },
    'GET /api/session': me ? { body: me } : PROBLEM('not-signed-in', 401),
    ...routes,
  });
  await openApp(path);
  return mock;
}

const text = (selector: string) => $(selector)?.textContent ?? null;
const texts = (selector: string) => $$(selector).map((e) => e.textContent);

describe('routes and rules', () => {
  it('knows the help screens; a push opens /help/{id}; connection assistance is public', () => {
    expect(matchScreen('/help')).toEqual({ id: 'help' });
    expect(matchScreen('/help/new')).toEqual({ id: 'help-new' });
    expect(matchScreen('/help/42')).toEqual({ id: 'help-request', requestId: '42' });
    expect(matchScreen('/help/queues')).toEqual({ id: 'help-queues' });
    expect(matchScreen('/help/connection')).toEqual({ id: 'help-connection' });
    expect(matchScreen('/help/abc')).toEqual({ id: 'not-found' });
    expect(isPublic('help-connection')).toBe(true);
    expect(isPublic('help-request')).toBe(false);
    expect(safeAppPath('/help/42', 'https://ent.example')).toBe('/help/42');
  });

  it('checks a request as the server does', () => {
    expect(checkRequest({ category: '', subject: '  ', message: '' })).toEqual({ category: 'required', subject: 'required', message: 'required' });
    expect(checkRequest({ category: 'x', subject: 'é'.repeat(200), message: 'm' })).toEqual({});
    expect(checkRequest({ category: 'x', subject: 'é'.repeat(201), message: 'm'.repeat(10_001) })).toEqual({ subject: 'too-long', message: 'too-long' });
    const ok = { number: '25000002', familyName: 'Martin', givenName: 'Lucas', birthDate: '2005-03-14', email: 'lucas@example.fr', subject: 'S', message: 'M' };
    expect(checkConnection(ok)).toEqual({});
    expect(checkConnection({ ...ok, email: 'lucas@example', birthDate: '2005-02-30', number: ' ' })).toEqual({ number: 'required', email: 'email', birthDate: 'date' });
  });

  it('tells what the requester may do', () => {
    const now = Date.parse('2026-12-02T12:00:00Z');
    expect(requesterBox({ status: 'waiting' }, now)).toBe('reply');
    expect(requesterBox({ status: 'closed' }, now)).toBe('closed');
    expect(requesterBox({ status: 'resolved', reopen_until: '2026-12-10T12:00:00Z' }, now)).toBe('reopen');
    expect(requesterBox({ status: 'resolved', reopen_until: '2026-12-01T12:00:00Z' }, now)).toBe('resolved');
  });

  it('builds a queue query from the filters', () => {
    expect(queueQuery({})).toEqual({});
    expect(queueQuery({ status: 'waiting', mine: true, q: '  wifi ' }, 'c2')).toEqual({ status: 'waiting', mine: true, q: 'wifi', cursor: 'c2' });
    expect(queueQuery({ mine: false, q: ' ' })).toEqual({});
    expect(queuesPath('comptes', '', false, '')).toBe('/help/queues?queue=comptes');
    expect(queuesPath('comptes', 'resolved', true, 'x y')).toBe('/help/queues?queue=comptes&status=resolved&mine=1&q=x+y');
  });
});

describe('« Mes demandes »', () => {
  const pages: Handler = (request) =>
    new URL(request.url).searchParams.get('cursor') === 'c2'
      ? { body: { items: [summary(1, { subject: 'Plus ancienne', status: 'closed' })] } }
      : {
          body: {
            items: [summary(3, { subject: `Wi-Fi ${SCRIPT}`, status: 'waiting', unread: true, category_label: 'Numérique' }), summary(2, { status: 'resolved' })],
            next_cursor: 'c2',
          },
        };

  it('lists the requests with category, status, unread dot and date, and loads the next page', async () => {
    const { requests } = await start('/help', { 'GET /api/me/help-requests': pages });
    expect(text('main h1')).toBe('Aide');
    const rows = $$('[data-testid="help-item"]');
    expect(rows.map((r) => r.querySelector('[data-testid="help-subject"]')?.textContent)).toEqual([`Wi-Fi ${SCRIPT}`, 'Demande 2']);
    expect(document.querySelector('main script')).toBeNull();
    expect(rows[0]?.textContent).toContain('Numérique');
    expect(rows[0]?.querySelector('[data-testid="help-status"]')?.textContent).toBe('en attente de votre réponse');
    expect(rows[1]?.querySelector('[data-testid="help-status"]')?.textContent).toBe('résolue');
    expect(rows[0]?.querySelector('[data-testid="help-unread"]')).not.toBeNull();
    expect(rows[1]?.querySelector('[data-testid="help-unread"]')).toBeNull();
    expect(rows[0]?.textContent).toContain('10:30'); // 09:30 UTC in Paris
    expect(rows[0]?.querySelector('a')?.getAttribute('href')).toBe('/help/3');
    expect($('[data-testid="help-new"]')?.getAttribute('href')).toBe('/help/new');
    expect($('[data-testid="help-switch"]')).toBeNull(); // not staff

    await click('[data-testid="help-more"]');
    expect(requests.map((r) => r.path)).toContain('/api/me/help-requests?cursor=c2');
    expect(texts('[data-testid="help-subject"]')).toHaveLength(3);
    expect($('[data-testid="help-more"]')).toBeNull();
  });

  it('says when there is none, and offers the staff their queues', async () => {
    await start('/help', { 'GET /api/me/help-requests': { body: { items: [] } }, 'GET /api/help/queues': { body: [] } }, STAFF);
    expect($('[data-testid="help-empty"]')).not.toBeNull();
    expect($('[data-testid="help-switch-mine"]')?.getAttribute('aria-pressed')).toBe('true');
    await click('[data-testid="help-switch-queues"]');
    expect(location.pathname).toBe('/help/queues');
    expect($('[data-testid="queues-none"]')).not.toBeNull();
  });

  it('opens a request directly after signing in (a push or an e-mail link on a cold start)', async () => {
    await start('/help/42', {}, null);
    expect(location.pathname).toBe('/login');
    expect(sessionStorage.getItem('ent.next')).toBe('/help/42');
  });
});

describe('filing a request', () => {
  it('shows the checks at once, keeps the fields on a problem and shows its detail, then opens the request', async () => {
    let answer: Reply = PROBLEM('invalid-help-request', 400, { title: 'Demande invalide', detail: 'Objet : 200 caractères au plus (vous en avez écrit 201).' });
    const file = vi.fn(() => answer);
    const { requests } = await start('/help/new', { 'GET /api/help/categories': { body: CATEGORIES }, 'POST /api/me/help-requests': file, 'GET /api/help-requests/42': { body: detail() } });
    expect(texts('select[name="category"] option')).toEqual(['Choisissez une catégorie', 'Connexion et compte', 'Inscription et scolarité']);
    expect(text('[data-testid="counter"]')).toBe('0 / 200 caractères');

    await click('[data-testid="help-submit"]');
    expect(file).not.toHaveBeenCalled();
    expect(texts('.field-error')).toEqual(['Choisissez une catégorie.', 'Ce champ est obligatoire.', 'Ce champ est obligatoire.']);

    await choose('select[name="category"]', 'scolarite');
    await type('input[name="subject"]', 'Attestation');
    expect(texts('.field-error')).toEqual(['Ce champ est obligatoire.']); // follows what is typed
    await type('textarea[name="message"]', 'x'.repeat(10_001));
    expect(texts('.field-error')).toEqual(['Au plus 10000 caractères.']);
    expect($$('[data-testid="counter"]')[1]?.textContent).toBe('10001 / 10000 caractères');
    await type('textarea[name="message"]', `Bonjour ${SCRIPT}`);
    expect($$('.field-error')).toHaveLength(0);

    await click('[data-testid="help-submit"]');
    expect(file).toHaveBeenCalledTimes(1);
    const alert = $('[data-testid="problem"]')!;
    expect(alert.dataset.problem).toBe('invalid-help-request');
    expect(alert.textContent).toContain('Cette demande n’est pas valable.');
    expect(alert.textContent).toContain('Objet : 200 caractères au plus (vous en avez écrit 201).');
    expect($<HTMLSelectElement>('select[name="category"]')?.value).toBe('scolarite');
    expect($<HTMLInputElement>('input[name="subject"]')?.value).toBe('Attestation');
    expect($<HTMLTextAreaElement>('textarea[name="message"]')?.value).toBe(`Bonjour ${SCRIPT}`);

    let release: () => void = () => {};
    const pending = new Promise<void>((resolve) => (release = resolve));
    file.mockImplementation(() => {
      answer = { status: 201, body: detail() };
      return pending.then(() => answer) as never;
    });
    await act(() => $<HTMLButtonElement>('[data-testid="help-submit"]')!.click());
    expect($('[data-testid="help-submit"]')?.getAttribute('aria-busy')).toBe('true');
    release();
    await flush();
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ category: 'scolarite', subject: 'Attestation', message: `Bonjour ${SCRIPT}` });
    expect(requests.find((r) => r.method === 'POST')?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(location.pathname).toBe('/help/42');
    expect(text('[data-testid="help-detail-subject"]')).toBe('Attestation de scolarité');
  });
});

describe('a request’s thread (requester)', () => {
  it('renders every text as text, replies as bubbles and status changes as lines', async () => {
    await start('/help/42', { 'GET /api/help-requests/42': { body: detail({ subject: `<b>Objet</b> ${SCRIPT}` }) } });
    expect(text('[data-testid="help-detail-subject"]')).toBe(`<b>Objet</b> ${SCRIPT}`);
    expect(document.querySelector('main script, main b')).toBeNull();
    const bubbles = $$('[data-testid="help-message"]');
    expect(bubbles.map((b) => b.className)).toEqual(['bubble bubble-own', 'bubble bubble-other']);
    expect(bubbles[0]?.textContent).toContain('Vous');
    expect(bubbles[0]?.querySelector('[data-testid="help-message-body"]')?.textContent).toBe('Bonjour,\nil me faut une attestation.');
    expect(bubbles[1]?.textContent).toContain('Nathalie Chevalier');
    expect(bubbles[1]?.querySelector('[data-testid="help-message-body"]')?.textContent).toBe(`Voici : ${SCRIPT}`);
    expect(text('[data-testid="help-status-line"]')).toBe('Statut : en cours');
    expect(text('[data-testid="help-status"]')).toBe('en cours');
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
    expect($('[data-testid="help-staff"]')).toBeNull();
    expect($('[data-testid="help-back"]')?.getAttribute('href')).toBe('/help');
  });

  it('answers (the text is kept on a problem) and shows the updated thread', async () => {
    let fail = true;
    const reply = vi.fn((_r: Request, body: unknown) =>
      fail
        ? PROBLEM('help-request-resolved', 409)
        : { body: detail({ messages: [...detail().messages, { id: 4, kind: 'reply', from_requester: true, author: 'Chloé Lefèvre', body: (body as { body: string }).body, at: '2026-12-02T10:00:00Z' }] }) },
    );
    const { requests } = await start('/help/42', { 'GET /api/help-requests/42': { body: detail({ status: 'waiting' }) }, 'POST /api/help-requests/42/messages': reply });
    await click('[data-testid="help-send"]');
    expect(reply).not.toHaveBeenCalled();
    expect(text('.field-error')).toBe('Ce champ est obligatoire.');
    await type('textarea[name="body"]', '  Voici le document.  ');
    await click('[data-testid="help-send"]');
    expect(text('[data-testid="problem"]')).toContain('Cette demande est résolue : rouvrez-la pour répondre.');
    expect($<HTMLTextAreaElement>('textarea[name="body"]')?.value).toBe('  Voici le document.  ');
    fail = false;
    await click('[data-testid="help-send"]');
    expect(requests.filter((r) => r.method === 'POST').at(-1)?.body).toEqual({ body: 'Voici le document.', internal: false });
    expect($$('[data-testid="help-message"]')).toHaveLength(3);
    expect($<HTMLTextAreaElement>('textarea[name="body"]')?.value).toBe('');
    expect(text('[data-testid="help-notice"]')).toBe('Message envoyé.');
  });

  it('replaces the box by an explanation when closed, or when too late to reopen', async () => {
    await start('/help/42', { 'GET /api/help-requests/42': { body: detail({ status: 'closed' }) } });
    expect($('[data-testid="help-reply-form"]')).toBeNull();
    expect(text('[data-testid="help-no-reply"]')).toContain('Cette demande est fermée');
    await start('/help/42', { 'GET /api/help-requests/42': { body: detail({ status: 'resolved', reopen_until: '2020-01-01T00:00:00Z' }) } });
    expect($('[data-testid="help-reply-form"]')).toBeNull();
    expect($('[data-testid="help-reopen"]')).toBeNull();
    expect(text('[data-testid="help-no-reply"]')).toContain('le délai pour la rouvrir est passé');
  });

  it('offers to reopen a resolved request until its date, then to answer', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-02T12:00:00Z'));
    const reopen = vi.fn(() => ({ body: detail({ status: 'in_progress' }) }));
    await start('/help/42', {
      'GET /api/help-requests/42': { body: detail({ status: 'resolved', reopen_until: '2026-12-16T09:00:00Z' }) },
      'POST /api/help-requests/42/reopen': reopen,
    });
    expect($('[data-testid="help-reply-form"]')).toBeNull();
    expect(text('[data-testid="help-reopen-until"]')).toBe('Cette demande est résolue. Si le problème n’est pas réglé, vous pouvez la rouvrir jusqu’au 16 déc. 2026, 10:00.');
    await click('[data-testid="help-reopen"]');
    expect(reopen).toHaveBeenCalledTimes(1);
    expect(text('[data-testid="help-status"]')).toBe('en cours');
    expect($('[data-testid="help-reply-form"]')).not.toBeNull();
    expect(text('[data-testid="help-notice"]')).toBe('La demande est rouverte : vous pouvez répondre.');
  });

  it('reads the request again when the app comes back to the front (a notification tapped)', async () => {
    let status: HelpDetail['status'] = 'in_progress';
    const get = vi.fn(() => ({ body: detail({ status }) }));
    await start('/help/42', { 'GET /api/help-requests/42': get });
    expect(get).toHaveBeenCalledTimes(1);
    status = 'waiting';
    await act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await flush();
    expect(get).toHaveBeenCalledTimes(2);
    expect(text('[data-testid="help-status"]')).toBe('en attente de votre réponse');
  });

  it('says when the request does not exist (or is not the caller’s)', async () => {
    await start('/help/7', { 'GET /api/help-requests/7': PROBLEM('not-found', 404) });
    expect($('[data-testid="help-missing"]')).not.toBeNull();
  });
});

describe('a request’s thread (staff)', () => {
  const staffDetail = (patch: Partial<HelpDetail> = {}) =>
    detail({
      viewer: 'staff',
      status: 'new',
      messages: [
        ...detail().messages.slice(0, 1),
        { id: 5, kind: 'note', from_requester: false, author: 'Nathalie Chevalier', body: 'Vérifier le dossier', at: '2026-12-01T11:00:00Z' },
        { id: 6, kind: 'assignment', from_requester: false, author: 'Nathalie Chevalier', body: 'Nathalie Chevalier', at: '2026-12-01T11:00:00Z' },
      ],
      ...patch,
    });

  it('shows notes apart and assignments; takes, releases and sets the status', async () => {
    let current = staffDetail();
    const change = vi.fn((_r: Request, body: unknown) => {
      const b = body as { assignee?: string; status?: HelpDetail['status'] };
      if (b.assignee) current = { ...current, assignee: b.assignee === 'me' ? 'Nathalie Chevalier' : undefined, assigned_to_me: b.assignee === 'me' };
      if (b.status) current = { ...current, status: b.status };
      return { body: current };
    });
    const { requests } = await start('/help/42', { 'GET /api/help-requests/42': { body: staffDetail() }, 'PATCH /api/help-requests/42': change }, STAFF);
    const note = $('[data-kind="note"]')!;
    expect(note.className).toContain('bubble-note');
    expect(note.querySelector('[data-testid="help-note-label"]')?.textContent).toBe('Note interne');
    expect(text('[data-testid="help-assignment"]')).toBe('Prise en charge par Nathalie Chevalier');
    // For staff, their side is their own: the requester's message is the other one.
    expect($('[data-kind="reply"]')?.className).toBe('bubble bubble-other');
    expect($('[data-kind="reply"]')?.textContent).toContain('Chloé Lefèvre');
    expect(text('[data-testid="help-assignee"]')).toBe('Personne');
    expect($('[data-testid="help-back"]')?.getAttribute('href')).toBe('/help/queues');

    await click('[data-testid="help-take"]');
    expect(requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([{ assignee: 'me' }]);
    expect(text('[data-testid="help-assignee"]')).toBe('Nathalie Chevalier');
    expect(text('[data-testid="help-notice"]')).toBe('Demande mise à jour.');

    expect(texts('select[name="status"] option')).toEqual(['nouvelle', 'en cours', 'en attente de votre réponse', 'résolue', 'fermée']);
    await choose('select[name="status"]', 'resolved');
    expect(requests.filter((r) => r.method === 'PATCH').at(-1)?.body).toEqual({ status: 'resolved' });
    expect(text('[data-testid="help-status"]')).toBe('résolue');

    await click('[data-testid="help-release"]');
    expect(requests.filter((r) => r.method === 'PATCH').at(-1)?.body).toEqual({ assignee: 'nobody' });
    expect($('[data-testid="help-take"]')).not.toBeNull();
  });

  it('writes an internal note, and a reply with a status', async () => {
    const reply = vi.fn(() => ({ body: staffDetail({ status: 'waiting' }) }));
    const { requests } = await start('/help/42', { 'GET /api/help-requests/42': { body: staffDetail() }, 'POST /api/help-requests/42/messages': reply }, STAFF);
    expect(text('label[for="' + $('input[name="internal"]')!.id + '"]')).toBe('Note interne (invisible pour l’étudiant)');
    await click('input[name="internal"]');
    expect($('select[name="reply-status"]')).toBeNull(); // a note does not change the status
    expect(text('[data-testid="help-send"]')).toBe('Ajouter la note');
    await type('textarea[name="body"]', 'Dossier vérifié');
    await click('[data-testid="help-send"]');
    expect(requests.filter((r) => r.method === 'POST').at(-1)?.body).toEqual({ body: 'Dossier vérifié', internal: true });

    await click('input[name="internal"]');
    await type('textarea[name="body"]', 'Pouvez-vous envoyer votre certificat ?');
    await choose('select[name="reply-status"]', 'waiting');
    expect(text('[data-testid="help-send"]')).toBe('Envoyer la réponse');
    await click('[data-testid="help-send"]');
    expect(requests.filter((r) => r.method === 'POST').at(-1)?.body).toEqual({ body: 'Pouvez-vous envoyer votre certificat ?', internal: false, status: 'waiting' });
    expect(text('[data-testid="help-status"]')).toBe('en attente de votre réponse');
  });

  it('shows the details of a request filed without an account, with the registrar’s match', async () => {
    const connection = (registrar: 'matched' | 'partial' | 'none') =>
      staffDetail({
        connection: true,
        requester: 'Lucas Martin',
        connection_details: { number: '25000002', family_name: 'Martin', given_name: 'Lucas', birth_date: '2005-03-14', email: 'lucas@example.fr', registrar },
      });
    await start('/help/42', { 'GET /api/help-requests/42': { body: connection('matched') } }, STAFF);
    expect(text('[data-testid="help-no-account"]')).toBe('sans compte');
    expect(text('[data-testid="help-registrar"]')).toBe('Correspond au dossier');
    expect(text('[data-testid="help-connection"]')).toContain('lucas@example.fr');
    expect(text('[data-testid="help-connection"]')).toContain('lundi 14 mars 2005');
    await start('/help/42', { 'GET /api/help-requests/42': { body: connection('partial') } }, STAFF);
    expect(text('[data-testid="help-registrar"]')).toBe('Numéro trouvé, autres informations différentes');
    await start('/help/42', { 'GET /api/help-requests/42': { body: connection('none') } }, STAFF);
    expect(text('[data-testid="help-registrar"]')).toBe('Aucun dossier avec ce numéro');
  });
});

describe('« Demandes à traiter »', () => {
  const QUEUES = [
    { code: 'comptes', categories: ['Connexion et compte'], counts: { new: 2, in_progress: 1, waiting: 0, resolved: 4, closed: 9 } },
    { code: 'scolarite', categories: ['Inscription et scolarité'], counts: { new: 1, in_progress: 0, waiting: 0, resolved: 0, closed: 0 } },
  ];
  const list: Handler = (request) => {
    const url = new URL(request.url);
    if (url.searchParams.get('cursor') === 'c2') return { body: { items: [summary(9, { subject: 'Plus récente' })] } };
    return {
      body: {
        items: [
          summary(7, { subject: 'Impossible d’activer', category: 'comptes', requester: 'Lucas Martin', connection: true }),
          summary(8, { subject: 'Mot de passe', requester: 'Chloé Lefèvre', assignee: 'Nathalie Chevalier', status: 'in_progress' }),
        ],
        next_cursor: 'c2',
      },
    };
  };

  it('is only for staff of a queue', async () => {
    await start('/help/queues', {});
    expect($('[data-testid="queue-filters"]')).toBeNull();
    expect(text('main h1')).toBe('Page introuvable');
  });

  it('lists the open requests of the first queue, oldest first, and turns the filters into the query', async () => {
    const { requests } = await start('/help/queues', { 'GET /api/help/queues': { body: QUEUES }, 'GET /api/help/queues/comptes/requests': list, 'GET /api/help/queues/scolarite/requests': list }, STAFF);
    const asked = () => requests.filter((r) => r.path.startsWith('/api/help/queues/')).map((r) => r.path);
    expect(asked()).toEqual(['/api/help/queues/comptes/requests']);
    expect(texts('select[name="queue"] option')).toEqual(['Connexion et compte (3 ouvertes)', 'Inscription et scolarité (1 ouvertes)']);
    expect(text('[data-testid="queue-counts"]')).toBe('2 nouvelles · 1 en cours · 0 en attente · 4 résolues · 9 fermées');
    expect(location.search).toBe('?queue=comptes');
    const rows = $$('[data-testid="queue-item"]');
    expect(rows.map((r) => r.querySelector('[data-testid="queue-subject"]')?.textContent)).toEqual(['Impossible d’activer', 'Mot de passe']);
    expect(rows[0]?.querySelector('[data-testid="queue-requester"]')?.textContent).toBe('Lucas Martin');
    expect(rows[0]?.querySelector('[data-testid="queue-no-account"]')?.textContent).toBe('sans compte');
    expect(rows[0]?.querySelector('[data-testid="queue-assignee"]')?.textContent).toBe('Non attribuée');
    expect(rows[1]?.querySelector('[data-testid="queue-no-account"]')).toBeNull();
    expect(rows[1]?.querySelector('[data-testid="queue-assignee"]')?.textContent).toBe('Prise en charge par Nathalie Chevalier');
    expect(rows[0]?.querySelector('a')?.getAttribute('href')).toBe('/help/7');

    await click('[data-testid="queue-more"]');
    expect(asked().at(-1)).toBe('/api/help/queues/comptes/requests?cursor=c2');
    expect($$('[data-testid="queue-item"]')).toHaveLength(3);

    await choose('select[name="status"]', 'resolved');
    expect(asked().at(-1)).toBe('/api/help/queues/comptes/requests?status=resolved');
    await click('[data-testid="queue-mine"]');
    expect(asked().at(-1)).toBe('/api/help/queues/comptes/requests?status=resolved&mine=true');
    await type('input[name="q"]', ' wifi ');
    expect(asked().at(-1)).toBe('/api/help/queues/comptes/requests?status=resolved&mine=true'); // asked on submit
    await click('[data-testid="queue-search"]');
    expect(asked().at(-1)).toBe('/api/help/queues/comptes/requests?status=resolved&mine=true&q=wifi');
    await choose('select[name="queue"]', 'scolarite');
    expect(asked().at(-1)).toBe('/api/help/queues/scolarite/requests?status=resolved&mine=true&q=wifi');
    expect(location.search).toBe('?queue=scolarite&status=resolved&mine=1&q=wifi');

    // A request opened from here comes back to these choices.
    await click('[data-testid="queue-item"] a');
    expect(location.pathname).toBe('/help/7');
    expect($('[data-testid="help-back"]')).not.toBeNull();
  });

  it('starts from the choices in the address', async () => {
    const { requests } = await start('/help/queues?queue=scolarite&status=waiting&mine=1&q=bourse', { 'GET /api/help/queues': { body: QUEUES }, 'GET /api/help/queues/scolarite/requests': { body: { items: [] } } }, STAFF);
    expect(requests.filter((r) => r.path.startsWith('/api/help/queues/')).map((r) => r.path)).toEqual(['/api/help/queues/scolarite/requests?status=waiting&mine=true&q=bourse']);
    expect($('[data-testid="queue-empty"]')).not.toBeNull();
    expect($('[data-testid="help-switch-queues"]')?.getAttribute('aria-pressed')).toBe('true');
  });
});

describe('« Assistance connexion » without an account', () => {
  const fill = async () => {
    await type('input[name="number"]', ' 25000002 ');
    await type('input[name="family-name"]', 'Martin');
    await type('input[name="given-name"]', 'Lucas');
    await type('input[name="birth-date"]', '2005-03-14');
    await type('input[name="email"]', 'lucas.martin@example.fr');
    await type('input[name="subject"]', 'Activation impossible');
    await type('textarea[name="message"]', 'Je ne reçois pas le SMS.');
  };

  it('is linked from the login and activation screens, signed out', async () => {
    await start('/login', {}, null);
    expect($('[data-testid="connection-help-link"]')?.getAttribute('href')).toBe('/help/connection');
    expect(text('[data-testid="connection-help-link"]')).toBe('Assistance connexion');
    await start('/activation', {}, null);
    expect($('[data-testid="connection-help-link"]')?.getAttribute('href')).toBe('/help/connection');
  });

  it('goes from the form to the e-mailed code to the reference; a wrong code says how many tries are left', async () => {
    const confirm = vi.fn((_r: Request, body: unknown) =>
      (body as { code: string }).code === '123456' ? { status: 201, body: { reference: 77 } } : PROBLEM('code-incorrect', 400, { detail: 'Essais restants : 4' }),
    );
    const { requests } = await start(
      '/help/connection',
      { 'POST /api/assistance/connection': { status: 202, body: { challenge: 'ch-1', resend_in: 60, expires_in: 600 } }, 'POST /api/assistance/connection/confirmation': confirm },
      null,
    );
    expect(location.pathname).toBe('/help/connection');
    expect($('input[name="email"]')?.getAttribute('autocomplete')).toBe('email');
    expect($('input[name="email"]')?.getAttribute('type')).toBe('email');

    await type('input[name="email"]', 'lucas@');
    await click('[data-testid="connection-start"]');
    expect(requests.some((r) => r.method === 'POST')).toBe(false);
    expect(texts('.field-error')).toContain('Indiquez une adresse e-mail valable, par exemple prenom.nom@exemple.fr.');
    expect(texts('.field-error')).toContain('Indiquez une date valable.');

    await fill();
    expect($$('.field-error')).toHaveLength(0);
    await click('[data-testid="connection-start"]');
    expect(requests.find((r) => r.path === '/api/assistance/connection')?.body).toEqual({
      number: '25000002',
      family_name: 'Martin',
      given_name: 'Lucas',
      birth_date: '2005-03-14',
      email: 'lucas.martin@example.fr',
      subject: 'Activation impossible',
      message: 'Je ne reçois pas le SMS.',
    });
    const code = $<HTMLInputElement>('input[name="code"]')!;
    expect(code.getAttribute('autocomplete')).toBe('one-time-code');
    expect(code.getAttribute('inputmode')).toBe('numeric');
    expect(text('[data-testid="connection-code-form"]')).toContain('lucas.martin@example.fr');
    expect($<HTMLButtonElement>('[data-testid="connection-resend"]')?.disabled).toBe(true);
    expect(text('[data-testid="connection-resend"]')).toMatch(/Renvoyer le code dans (59|60) s/);

    await type('input[name="code"]', '000000');
    await click('[data-testid="connection-confirm"]');
    expect(text('[data-testid="problem"]')).toContain('Ce code n’est pas le bon.');
    expect(text('[data-testid="problem"]')).toContain('Essais restants : 4');

    await type('input[name="code"]', '123456');
    await click('[data-testid="connection-confirm"]');
    expect(requests.filter((r) => r.path === '/api/assistance/connection/confirmation').at(-1)?.body).toEqual({ challenge: 'ch-1', code: '123456' });
    expect(text('[data-testid="connection-reference"]')).toBe('Demande n° 77 enregistrée : la réponse vous sera envoyée à lucas.martin@example.fr');
  });

  it('shows the server’s problem with its detail, keeping what was typed; an expired code goes back to the form', async () => {
    let start1: Reply = PROBLEM('invalid-email', 400, { detail: 'Vérifiez l’adresse : elle doit ressembler à prenom.nom@exemple.fr.' });
    await start(
      '/help/connection',
      {
        'POST /api/assistance/connection': () => start1,
        'POST /api/assistance/connection/confirmation': PROBLEM('code-expired', 410),
        'POST /api/assistance/connection/resend': PROBLEM('too-many-requests', 429, {}),
      },
      null,
    );
    await fill();
    await click('[data-testid="connection-start"]');
    expect(text('[data-testid="problem"]')).toContain('Cette adresse e-mail n’est pas valable.');
    expect(text('[data-testid="problem"]')).toContain('Vérifiez l’adresse');
    expect($<HTMLInputElement>('input[name="given-name"]')?.value).toBe('Lucas');
    start1 = { status: 202, body: { challenge: 'ch-2', resend_in: 0, expires_in: 600 } };
    await click('[data-testid="connection-start"]');
    await click('[data-testid="connection-resend"]');
    expect(text('[data-testid="problem"]')).toContain('Trop de demandes');
    await type('input[name="code"]', '111111');
    await click('[data-testid="connection-confirm"]');
    expect($('[data-testid="connection-form"]')).not.toBeNull();
    expect(text('[data-testid="problem"]')).toContain('Ce code n’est plus valable');
    expect($<HTMLInputElement>('input[name="subject"]')?.value).toBe('Activation impossible');
  });
});
