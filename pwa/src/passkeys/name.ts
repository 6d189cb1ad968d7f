// The name a new passkey is given before the browser's prompt (the person may change it):
// « iPhone de Lucas », « iPad d’Emma », "Lucas’s iPhone", from the device and the given name.
import type { MessageKey } from '../i18n';

export type DeviceKind = 'iphone' | 'ipad' | 'androidPhone' | 'androidTablet' | 'chromebook' | 'mac' | 'windows' | 'linux' | 'other';

/** The kind of device a user agent says; an iPad asking for the desktop site says Macintosh, but has a touch screen. */
export function deviceKind(userAgent: string, maxTouchPoints = 0): DeviceKind {
  if (/iPhone|iPod/.test(userAgent)) return 'iphone';
  if (/iPad/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1)) return 'ipad';
  if (/Android/.test(userAgent)) return /Mobile/.test(userAgent) ? 'androidPhone' : 'androidTablet';
  if (/CrOS/.test(userAgent)) return 'chromebook';
  if (/Macintosh|Mac OS X/.test(userAgent)) return 'mac';
  if (/Windows/.test(userAgent)) return 'windows';
  if (/Linux|X11/.test(userAgent)) return 'linux';
  return 'other';
}

/** Devices called by their brand in every language (not in the catalogues). */
type Brand = 'iphone' | 'ipad' | 'chromebook' | 'mac';
const BRANDS: Record<Brand, string> = {
  iphone: 'iPhone',
  ipad: 'iPad',
  chromebook: 'Chromebook',
  mac: 'Mac',
};

/** The service's longest name, in characters. */
export const NAME_MAX = 60;

// « d’ » before a vowel: « iPad d’Emma », « iPhone d’Élodie »; names in h or y keep « de » (« de Hugo »,
// « de Yanis »: it depends on the name).
const ELIDED = /^[aeiouàâäéèêëîïôöùûüæœ]/i;

/** « iPhone de Lucas » (the device alone without a given name), at most NAME_MAX characters. */
export function suggestName(kind: DeviceKind, givenName: string, t: (key: MessageKey, params?: Record<string, string>) => string): string {
  const device = kind in BRANDS ? BRANDS[kind as Brand] : t(`passkeys.device.${kind as Exclude<DeviceKind, Brand>}`);
  const name = givenName.trim();
  const text = name ? t(ELIDED.test(name) ? 'passkeys.nameOfElided' : 'passkeys.nameOf', { device, name }) : device;
  return [...text].slice(0, NAME_MAX).join('');
}

/** The suggestion for this browser. */
export function suggestNameHere(givenName: string, t: (key: MessageKey, params?: Record<string, string>) => string): string {
  return suggestName(deviceKind(navigator.userAgent, navigator.maxTouchPoints), givenName, t);
}
