import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  bannerMode,
  captureInstallEvents,
  currentEnvironment,
  dismissInstall,
  DISMISS_KEY,
  isIos,
  isIosSafari,
  promptInstall,
  sectionMode,
  type InstallEnvironment,
} from '../../src/install';

const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const IPHONE_CHROME =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0 Mobile/15E148 Safari/604.1';
const IPADOS = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36';

const env = (over: Partial<InstallEnvironment>): InstallEnvironment => ({
  userAgent: ANDROID,
  maxTouchPoints: 5,
  standalone: false,
  hasPrompt: false,
  dismissed: false,
  ...over,
});

describe('platform detection', () => {
  it('recognises iOS, iPadOS and Safari', () => {
    expect(isIos(IPHONE_SAFARI, 5)).toBe(true);
    expect(isIos(IPADOS, 5)).toBe(true);
    expect(isIos(IPADOS, 0)).toBe(false); // a real Mac
    expect(isIos(ANDROID, 5)).toBe(false);
    expect(isIosSafari(IPHONE_SAFARI, 5)).toBe(true);
    expect(isIosSafari(IPHONE_CHROME, 5)).toBe(false);
  });
});

describe('install card', () => {
  it('offers the browser prompt when the event was captured', () => {
    expect(bannerMode(env({ hasPrompt: true }))).toBe('prompt');
  });
  it('explains the iOS Share → « Sur l’écran d’accueil » step on iOS Safari', () => {
    expect(bannerMode(env({ userAgent: IPHONE_SAFARI }))).toBe('ios');
    expect(sectionMode(env({ userAgent: IPHONE_SAFARI }))).toBe('ios');
  });
  it('hides when installed (standalone) or dismissed', () => {
    expect(bannerMode(env({ hasPrompt: true, standalone: true }))).toBe('installed');
    expect(bannerMode(env({ userAgent: IPHONE_SAFARI, standalone: true }))).toBe('installed');
    expect(bannerMode(env({ hasPrompt: true, dismissed: true }))).toBe('hidden');
    expect(bannerMode(env({}))).toBe('hidden');
  });
  it('the More section still explains after a dismissal', () => {
    expect(sectionMode(env({ hasPrompt: true, dismissed: true }))).toBe('prompt');
    expect(sectionMode(env({}))).toBe('unavailable');
    expect(sectionMode(env({ standalone: true }))).toBe('installed');
  });
});

describe('beforeinstallprompt handling', () => {
  beforeEach(() => localStorage.clear());

  it('captures the event, prompts once and remembers dismissal', async () => {
    const target = new EventTarget() as unknown as Window;
    captureInstallEvents(target);
    expect(await promptInstall()).toBe('unavailable');

    const event = new Event('beforeinstallprompt', { cancelable: true });
    const prompt = vi.fn(() => Promise.resolve());
    Object.assign(event, { prompt, userChoice: Promise.resolve({ outcome: 'dismissed', platform: 'web' }) });
    target.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(currentEnvironment().hasPrompt).toBe(true);

    expect(await promptInstall()).toBe('dismissed');
    expect(prompt).toHaveBeenCalledOnce();
    expect(currentEnvironment().hasPrompt).toBe(false);

    expect(currentEnvironment().dismissed).toBe(false);
    dismissInstall();
    expect(localStorage.getItem(DISMISS_KEY)).toBe('1');
    expect(currentEnvironment().dismissed).toBe(true);
  });
});
