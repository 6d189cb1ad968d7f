import { useEffect, useState } from 'preact/hooks';
import { api, type PublicConfig } from './api/client';

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

let state: ConfigState = { status: 'loading' };
let inflight: Promise<void> | null = null;
const listeners = new Set<(s: ConfigState) => void>();

function set(next: ConfigState): void {
  state = next;
  for (const listener of listeners) listener(state);
}

/** Fetch GET /api/config/public once (the service worker serves it stale-while-revalidate). */
export function loadConfig(force = false): Promise<void> {
  if (inflight && !force) return inflight;
  if (force) set({ status: 'loading' });
  inflight = api
    .GET('/config/public')
    .then(({ data }) => {
      if (data) {
        applyBranding(data);
        set({ status: 'ready', config: data });
      } else {
        set({ status: 'error' });
      }
    })
    .catch(() => set({ status: 'error' }));
  return inflight;
}

export function useConfig(): ConfigState {
  const [local, setLocal] = useState(state);
  useEffect(() => {
    listeners.add(setLocal);
    setLocal(state);
    void loadConfig();
    return () => {
      listeners.delete(setLocal);
    };
  }, []);
  return local;
}
