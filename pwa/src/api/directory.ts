// The staff directory (« Annuaire »): one function per call, each answering an Outcome (like
// services.ts). Open to teachers and staff only: the others get 404 not-found.
import { api, typed } from './client';
import type { components } from './schema';

export type DirectoryEntry = components['schemas']['DirectoryEntry'];

export interface DirectoryQuery {
  /** A name, from 2 letters (400 search-too-short otherwise). */
  q?: string;
  service?: string;
  /** A campus code. */
  campus?: string;
}

/** The query without its empty parts (an empty `q` would be too short). */
const clean = (query: DirectoryQuery) => Object.fromEntries(Object.entries(query).filter(([, v]) => v)) as DirectoryQuery;

/** The directory is open to teachers and staff (the server answers 404 to students). */
export const seesDirectory = (role: string | null) => role === 'teacher' || role === 'staff';

export const directory = {
  /** A page of people by family name; `cursor` is the previous page's `next`. */
  search: (query: DirectoryQuery, cursor?: string | null) =>
    typed(() => api.GET('/directory', { params: { query: { ...clean(query), ...(cursor ? { cursor } : {}) } } })),
  /** The services and departments, for the filter. */
  services: () => typed(() => api.GET('/directory/services')),
  /** One person's card (404 for a student or an unlisted person). */
  card: (id: string) => typed(() => api.GET('/directory/{person_id}', { params: { path: { person_id: id } } })),
};
