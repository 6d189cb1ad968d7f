// The offline copy of « Mes cours »: the last answer, in IndexedDB (`ent-courses`, store
// `courses`), shown dated when the server cannot be reached; never another person's, emptied at
// sign-out like the card and the timetable.
import type { MyCourses } from '../api/courses';
import { ownedCopy } from '../offline/records';

export interface StoredCourses {
  key: 'courses';
  owner: string;
  /** When the server gave it (ms since the epoch). */
  fetchedAt: number;
  data: MyCourses;
}

export const coursesCopy = ownedCopy<StoredCourses>('ent-courses', 'courses', 'courses');

/** Forget the copy (sign-out). */
export const forgetCourses = coursesCopy.forget;
