// The offline copy of the student's card: the last one the server gave, in IndexedDB (`ent-card`,
// store `cards`), so that « Ma carte » still shows who the student is without network. Its QR
// token expires within minutes and is then not drawn. Emptied at sign-out, like the timetable's
// weeks and the news: a shared phone must not keep someone else's card.
import type { StudentCard } from '../api/card';
import { deviceRecords, memoryRecords, type RecordBackend } from '../offline/records';

export interface StoredCard {
  key: 'card';
  /** Whose card it is (`person_id`). */
  owner: string;
  card: StudentCard;
}

let backend: RecordBackend<StoredCard> = deviceRecords<StoredCard>('ent-card', 'cards');

/** For tests: replace where the copy is kept (a fresh memory store when none is given). */
export function setCardBackend(next: RecordBackend<StoredCard> = memoryRecords<StoredCard>()): void {
  backend = next;
}

/** The stored copy, never a throw (a failing store is an empty one). */
export async function readCard(): Promise<StoredCard | undefined> {
  try {
    return await backend.get('card');
  } catch {
    return undefined;
  }
}

/** Keep the copy; failures (quota, private mode) are ignored: the screen still works online. */
export async function writeCard(owner: string, card: StudentCard): Promise<void> {
  try {
    await backend.put({ key: 'card', owner, card });
  } catch {
    // nothing kept
  }
}

/** Forget the copy (sign-out). */
export async function forgetCard(): Promise<void> {
  try {
    await backend.clear();
  } catch {
    // nothing stored, or the store is unusable: nothing to forget
  }
}
