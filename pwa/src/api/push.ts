// The notifications API: one function per call, each answering an Outcome.
import { api, typed } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type DeviceSubscription = Schemas['DeviceSubscription'];
export type PushPreferences = Schemas['PushPreferences'];
export type PushPreferencesUpdate = Schemas['PushPreferencesUpdate'];
export type CategoryPreference = Schemas['CategoryPreference'];
export type Category = Schemas['Category'];
export type QuietHours = Schemas['QuietHours'];
export type PushSubscriptionBody = Schemas['PushSubscriptionBody'];

export const push = {
  vapidKey: () => typed(() => api.GET('/push/vapid-public-key')),
  /** Whether this device (this session) receives notifications, and whether security alerts are muted here. */
  device: () => typed(() => api.GET('/me/push-subscription')),
  subscribe: (body: PushSubscriptionBody) => typed(() => api.PUT('/me/push-subscription', { body })),
  unsubscribe: () => typed(() => api.DELETE('/me/push-subscription')),
  muteSecurity: (muted: boolean) => typed(() => api.PUT('/me/push-subscription/security-mute', { body: { muted } })),
  preferences: () => typed(() => api.GET('/me/push-preferences')),
  setPreferences: (body: PushPreferencesUpdate) => typed(() => api.PUT('/me/push-preferences', { body })),
  /** A test notification to this device (404 when it is not subscribed). */
  test: () => typed(() => api.POST('/me/push-test')),
};
