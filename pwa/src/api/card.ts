// The digital student card: one function per call, answering an Outcome (like accounts.ts).
import { api, typed } from './client';
import type { components } from './schema';

export type StudentCard = components['schemas']['StudentCardView'];

export const card = {
  /** The signed-in student's card with a short-lived QR token; 404 no-student-card otherwise. */
  mine: () => typed(() => api.GET('/me/card')),
};
