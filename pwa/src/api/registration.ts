// Registration (« scolarité »): one function per call, each answering an Outcome (like accounts.ts).
import { api, API_BASE, typed } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type RegistrationList = Schemas['RegistrationList'];
export type RegistrationView = Schemas['RegistrationView'];

export const registration = {
  /** The person's registrations, latest academic year first, and the registration site. */
  mine: () => typed(() => api.GET('/me/registrations')),
};

/** The certificate of enrolment's PDF: a plain link (with `download`), sent with the session cookie. */
export const certificatePath = (year: string) => `${API_BASE}/me/registrations/${encodeURIComponent(year)}/certificate`;

/** Whether the home should point to this registration: its window is open, or documents are missing. */
export const needsAttention = (r: RegistrationView) => r.due || r.missing_documents.length > 0;
