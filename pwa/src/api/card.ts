// The digital student card and its photo: one function per call, answering an Outcome (like accounts.ts).
import { api, rawBody, run, typed, type Outcome } from './client';
import type { components } from './schema';

export type StudentCard = components['schemas']['StudentCardView'];

/** The formats the server takes for a card photo (it reads the format from the bytes). */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/**
 * An image answer as a `data:` URL: the page's Content-Security-Policy lets images come from the
 * origin and `data:` only (not `blob:` object URLs), and the string is what the offline copy keeps.
 */
async function asDataUrl(outcome: Outcome<Blob>): Promise<Outcome<string>> {
  if (!outcome.ok) return outcome;
  const blob = outcome.data;
  if (!(PHOTO_TYPES as readonly string[]).includes(blob.type)) return { ok: false, failure: { slug: 'unknown', status: 200 } };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => (typeof reader.result === 'string' ? resolve(reader.result) : reject(new Error('unreadable image')));
      reader.onerror = () => reject(reader.error ?? new Error('unreadable image'));
      reader.readAsDataURL(blob);
    });
    return { ok: true, data: url };
  } catch {
    return { ok: false, failure: { slug: 'unknown', status: 200 } };
  }
}

const person = (id: string) => ({ path: { person_id: id } });

export const card = {
  /** The signed-in student's card with a short-lived QR token; 404 no-student-card otherwise. */
  mine: () => typed(() => api.GET('/me/card')),
  /** The card's photo (when `has_photo`) as a `data:` URL; 404 no-card-photo when there is none. */
  photo: async () => asDataUrl(await run<Blob>(() => api.GET('/me/card/photo', { parseAs: 'blob' }))),
};

/** The secretariat's side of card photos (permission `accounts`; students only). */
export const cardPhotos = {
  /** A student's photo as a `data:` URL; 404 no-card-photo when there is none. */
  get: async (id: string) => asDataUrl(await run<Blob>(() => api.GET('/secretariat/people/{person_id}/card-photo', { params: person(id), parseAs: 'blob' }))),
  /** The image's bytes with its own Content-Type: 400 card-photo-invalid, 409 card-photo-not-a-student. */
  set: (id: string, image: Blob) => typed(() => api.PUT('/secretariat/people/{person_id}/card-photo', { params: person(id), ...rawBody(image) })),
  remove: (id: string) => typed(() => api.DELETE('/secretariat/people/{person_id}/card-photo', { params: person(id) })),
};
