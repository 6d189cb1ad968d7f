// « Mes cours »: one function per call, answering an Outcome (like accounts.ts).
import { api, typed } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type MyCourses = Schemas['MyCourses'];
export type Course = Schemas['Course'];
export type CourseHours = Schemas['CourseHours'];
export type CourseTeacher = Schemas['CourseTeacher'];

export const courses = {
  /** The caller's courses this semester (a student's through their groups, a teacher's from what they teach; none for staff). */
  mine: () => typed(() => api.GET('/me/courses')),
};
