import { card, type StudentCard } from '../api/card';
import type { Failure } from '../api/problems';
import { forgetCard, readCard, writeCard } from '../card/store';
import { ProblemAlert } from '../components/Form';
import { useOwnedLoad } from '../components/useOwnedLoad';
import { Qr } from '../components/Qr';
import { formatDay } from '../i18n/format';
import { useI18n } from '../i18n';
import { unreachable } from '../offline/records';

type CardState =
  | { status: 'loading' }
  | { status: 'ready'; card: StudentCard; photo?: string; offline: boolean }
  | { status: 'none' }
  | { status: 'failed'; failure: Failure };

/** The card's photo as a `data:` URL: the server's, else (unreachable) the one kept with this person's card. */
async function loadPhoto(owner: string | null): Promise<string | undefined> {
  const outcome = await card.photo();
  if (outcome.ok) return outcome.data;
  return unreachable(outcome.failure) ? (await readCard(owner))?.photo : undefined;
}

const LOADING: CardState = { status: 'loading' };

/** Ask the server; when it cannot be reached (or fails), the copy kept on this device, if it is this person's. */
async function loadCard(owner: string | null): Promise<CardState> {
  const outcome = await card.mine();
  if (outcome.ok) {
    const photo = outcome.data.has_photo ? await loadPhoto(owner) : undefined;
    if (owner) void writeCard(owner, outcome.data, photo);
    return { status: 'ready', card: outcome.data, photo, offline: false };
  }
  if (outcome.failure.slug === 'no-student-card') {
    // No card this year (any more): the old one must not be shown offline either.
    void forgetCard();
    return { status: 'none' };
  }
  if (unreachable(outcome.failure)) {
    const stored = await readCard(owner);
    if (stored) return { status: 'ready', card: stored.card, photo: stored.photo, offline: true };
  }
  return { status: 'failed', failure: outcome.failure };
}

const expired = (c: StudentCard) => Date.parse(c.qr_expires_at) <= Date.now();

/**
 * When to ask again: online, 30 s before the QR token expires (so that the code shown is always
 * one a desk accepts); offline, when it expires (to stop drawing it) — and when the network is back.
 */
function refreshDelay(state: CardState): number | null {
  if (state.status !== 'ready') return null;
  const left = Date.parse(state.card.qr_expires_at) - Date.now();
  if (state.offline) return left > 0 ? left : null;
  return Math.max(5_000, left - 30_000);
}


function CardView({ card: c, photo, offline }: { card: StudentCard; photo?: string; offline: boolean }) {
  const { lang, t } = useI18n();
  const showQr = !expired(c);
  const name = `${c.given_name} ${c.family_name}`;
  return (
    <section class="card student-card" aria-labelledby="card-name" data-testid="student-card">
      {photo && <img class="card-photo" src={photo} alt={t('card.photoAlt', { name })} data-testid="card-photo" />}
      <h2 id="card-name" data-testid="card-name">
        {name}
      </h2>
      <dl>
        <dt>{t('card.number')}</dt>
        <dd data-testid="card-number">{c.number}</dd>
        <dt>{t('card.year')}</dt>
        <dd data-testid="card-year">{c.academic_year}</dd>
        <dt>{t('card.program')}</dt>
        <dd data-testid="card-program">{c.program}</dd>
      </dl>
      <p data-testid="card-valid-until">{t('card.validUntil', { date: formatDay(c.valid_until, lang, 'full') })}</p>
      {showQr && <Qr text={c.qr} label={t('card.qrLabel')} />}
      {showQr && !offline && <p class="muted">{t('card.renewed')}</p>}
      {offline && (
        <p class="muted" data-testid="card-offline">
          {t(showQr ? 'card.offline' : 'card.offlineQr')}
        </p>
      )}
    </section>
  );
}

/** « Ma carte »: the student card, its QR code renewed before it expires, readable offline. */
export function Card() {
  const { t } = useI18n();
  const [state] = useOwnedLoad(loadCard, refreshDelay, LOADING);
  return (
    <>
      <h1>{t('page.card')}</h1>
      {state.status === 'loading' && <p aria-busy="true">{t('common.loading')}</p>}
      {state.status === 'none' && <p data-testid="card-none">{t('card.none')}</p>}
      {state.status === 'failed' && <ProblemAlert failure={state.failure} />}
      {state.status === 'ready' && <CardView card={state.card} photo={state.photo} offline={state.offline} />}
    </>
  );
}
