import { useEffect } from 'preact/hooks';
import { api, type PublicConfig } from './api/client';
import { store, useStore } from './store';

export type ConfigState =
  | { status: 'loading' }
  | { status: 'ready'; config: PublicConfig }
  | { status: 'error' };

const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

/** Only plain hex colours from the configuration reach the style sheet. */
export function safeColor(value: string | undefined): string | null {
  return value && COLOR.test(value) ? value : null;
}

/** A same-origin path such as `/icons/logo.svg` (the CSP allows images from 'self' only), else null. */
export function sameOriginPath(value: string | undefined): string | null {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\') ? value : null;
}

/** Apply the branding colour through a CSS custom property (CSSOM: allowed by the CSP). */
export function applyBranding(config: PublicConfig, root: HTMLElement = document.documentElement): void {
  const primary = safeColor(config.branding.primary_color);
  if (primary) {
    root.style.setProperty('--brand', primary);
    document.querySelector('meta[name="theme-color"]')?.setAttribute('content', primary);
  }
}

const config = store<ConfigState>({ status: 'loading' });
let inflight: Promise<void> | null = null;

/** Fetch GET /api/config/public once (the service worker serves it stale-while-revalidate). */
export function loadConfig(force = false): Promise<void> {
  if (inflight && !force) return inflight;
  if (force) config.set({ status: 'loading' });
  inflight = api
    .GET('/config/public')
    .then(({ data }) => {
      if (data) {
        applyBranding(data);
        config.set({ status: 'ready', config: data });
      } else {
        config.set({ status: 'error' });
      }
    })
    .catch(() => config.set({ status: 'error' }));
  return inflight;
}

export function useConfig(): ConfigState {
  useEffect(() => {
    void loadConfig();
  }, []);
  return useStore(config);
}
