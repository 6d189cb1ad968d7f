// The offline copy of the student's card: the last one the server gave and its photo, in
// IndexedDB (`ent-card`, store `cards`), so that « Ma carte » still shows who the student is
// without network. Its QR token expires within minutes and is then not drawn. Emptied at
// sign-out, like the timetable's weeks and the news: a shared phone must not keep someone else's card.
import type { StudentCard } from '../api/card';
import { ownedCopy } from '../offline/records';

export interface StoredCard {
  key: 'card';
  /** Whose card it is (`person_id`). */
  owner: string;
  card: StudentCard;
  /** The photo as a `data:` URL, when the card has one. */
  photo?: string;
}

const copy = ownedCopy<StoredCard>('ent-card', 'cards', 'card');

/** For tests: replace where the copy is kept (a fresh memory store when none is given). */
export const setCardBackend = copy.setBackend;

/** The stored copy (only `owner`'s when given), never a throw (a failing store is an empty one). */
export const readCard = (owner: string | null = null) => copy.read(owner);

/** Keep the copy; failures (quota, private mode) are ignored: the screen still works online. */
export const writeCard = (owner: string, card: StudentCard, photo?: string) => copy.write(photo ? { owner, card, photo } : { owner, card });

/** Forget the copy (sign-out). */
export const forgetCard = copy.forget;
