// « Tous les services » and the single sign-on continuation: one function per call, each
// answering an Outcome (like accounts.ts). Names and descriptions come in the request's language.
import { api, typed } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type ServiceList = Schemas['ServiceList'];
export type ServiceTile = Schemas['ServiceTile'];
export type ServiceCategory = Schemas['ServiceCategory'];

const service = (code: string) => ({ params: { path: { code } } });

export const services = {
  /** The services the signed-in person may open, favourites first. */
  list: () => typed(() => api.GET('/services')),
  /** Put a service among the favourites (204; 404 for an unknown service). */
  addFavourite: (code: string) => typed(() => api.PUT('/services/{code}/favourite', service(code))),
  /** Take a service out of the favourites (204). */
  removeFavourite: (code: string) => typed(() => api.DELETE('/services/{code}/favourite', service(code))),
  /**
   * After signing in for a service (`/login?cas=LR-…`): where to send the browser, the service
   * with its ticket. 403 reauthentication-required when the service asked for the password again.
   */
  continueToService: (request: string) => typed(() => api.POST('/cas/continuation', { body: { request } })),
};
