import { useEffect, useState } from 'preact/hooks';
import { events } from './store';

/** The non-standard event Chromium fires when the app can be installed. */
export interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed'; platform: string }>;
}

export const DISMISS_KEY = 'ent.install.dismissed';

/** What the install card shows: nothing, a button (Chromium), or the iOS steps. */
export type InstallMode = 'hidden' | 'prompt' | 'ios' | 'installed' | 'unavailable';

export interface InstallEnvironment {
  userAgent: string;
  maxTouchPoints: number;
  standalone: boolean; // display-mode: standalone, or navigator.standalone on iOS
  hasPrompt: boolean; // a beforeinstallprompt event was captured
  dismissed: boolean; // the person closed the card before
}

/** iPhone, iPod, iPad — including iPadOS, which reports itself as a Mac with touch. */
export function isIos(userAgent: string, maxTouchPoints: number): boolean {
  if (/iPhone|iPad|iPod/i.test(userAgent)) return true;
  return /Macintosh/i.test(userAgent) && maxTouchPoints > 1;
}

/** Safari on iOS (other iOS browsers cannot add to the home screen the same way). */
export function isIosSafari(userAgent: string, maxTouchPoints: number): boolean {
  return isIos(userAgent, maxTouchPoints) && /Safari/i.test(userAgent) && !/CriOS|FxiOS|EdgiOS|OPiOS|GSA\//i.test(userAgent);
}

/** The card in the page (banner): shown only when it can do something and was not dismissed. */
export function bannerMode(env: InstallEnvironment): InstallMode {
  if (env.standalone) return 'installed';
  if (env.dismissed) return 'hidden';
  if (env.hasPrompt) return 'prompt';
  if (isIosSafari(env.userAgent, env.maxTouchPoints)) return 'ios';
  return 'hidden';
}

/** The install section of the "More" page: always explains something. */
export function sectionMode(env: InstallEnvironment): InstallMode {
  if (env.standalone) return 'installed';
  if (env.hasPrompt) return 'prompt';
  if (isIosSafari(env.userAgent, env.maxTouchPoints)) return 'ios';
  return 'unavailable';
}

function readDismissed(): boolean {
  try {
    return localStorage.getItem(DISMISS_KEY) === '1';
  } catch {
    return false;
  }
}

function isStandalone(): boolean {
  const media = typeof matchMedia === 'function' && matchMedia('(display-mode: standalone)').matches;
  const iosStandalone = (navigator as Navigator & { standalone?: boolean }).standalone === true;
  return media || iosStandalone;
}

// The event can fire before the UI mounts: capture it at module load.
let deferred: BeforeInstallPromptEvent | null = null;
let installed = false;
/** The event arrived or was used, the app was installed, the card dismissed. */
const changed = events();
const emit = () => changed.emit();

export function captureInstallEvents(target: Window): void {
  target.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault(); // keep the mini-infobar away; our card offers it
    deferred = event as BeforeInstallPromptEvent;
    emit();
  });
  target.addEventListener('appinstalled', () => {
    deferred = null;
    installed = true;
    emit();
  });
}

export function currentEnvironment(): InstallEnvironment {
  return {
    userAgent: navigator.userAgent,
    maxTouchPoints: navigator.maxTouchPoints ?? 0,
    standalone: installed || isStandalone(),
    hasPrompt: deferred !== null,
    dismissed: readDismissed(),
  };
}

export function dismissInstall(): void {
  try {
    localStorage.setItem(DISMISS_KEY, '1');
  } catch {
    // storage disabled
  }
  emit();
}

/** Show the browser's install dialog; the event can be used only once. */
export async function promptInstall(): Promise<'accepted' | 'dismissed' | 'unavailable'> {
  const event = deferred;
  if (!event) return 'unavailable';
  deferred = null;
  await event.prompt();
  const choice = await event.userChoice;
  if (choice.outcome === 'accepted') installed = true;
  emit();
  return choice.outcome;
}

/** Hook: the install environment, refreshed when the event arrives or the card is dismissed. */
export function useInstall(): InstallEnvironment {
  const [env, setEnv] = useState(currentEnvironment);
  // Read again at each change, and when shown: storage and display mode are read, not told.
  useEffect(() => {
    const update = () => setEnv(currentEnvironment());
    update();
    return changed.on(update);
  }, []);
  return env;
}
