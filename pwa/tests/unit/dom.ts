// What the screen tests share: a root in the document that the app renders into, opening the app
// there, and the gestures a person makes on it (act + a few macrotasks, so that fetches and
// renders settle).
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { expect } from 'vitest';
import { App } from '../../src/app';
import { loadSession, resetAuth } from '../../src/auth';
import { navigate } from '../../src/router';

let root: HTMLElement = document.createElement('div');

/** A fresh root in the document (in beforeEach). */
export function mount(): HTMLElement {
  root = document.createElement('div');
  document.body.append(root);
  return root;
}

/** Unrenders and removes the root (in afterEach). */
export function unmount() {
  render(null, root);
  root.remove();
}

export const $ = <T extends Element = HTMLElement>(selector: string) => root.querySelector<T>(selector);
export const $$ = (selector: string) => [...root.querySelectorAll<HTMLElement>(selector)];

/** Lets fetches and renders settle, after waiting `ms` first (past a debounce) when given. */
export async function flush(ms = 0) {
  if (ms > 0) await act(() => new Promise((r) => setTimeout(r, ms)));
  for (let i = 0; i < 10; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
}

/** Opens the app at `path` in the root as a fresh start: the session is asked (of the mocked API), then all settles. */
export async function openApp(path: string) {
  navigate(path, { replace: true });
  resetAuth();
  await act(() => render(h(App, null), root));
  await act(() => loadSession().then(() => undefined));
  await flush();
}

export async function click(selector: string) {
  const element = $<HTMLElement>(selector);
  expect(element, selector).not.toBeNull();
  await act(() => element!.click());
  await flush();
}

export async function type(selector: string, value: string) {
  const input = $<HTMLInputElement | HTMLTextAreaElement>(selector);
  expect(input, selector).not.toBeNull();
  await act(() => {
    input!.value = value;
    input!.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

/** Picks `value` in a <select> (the `change` event, as a person choosing does). */
export async function choose(selector: string, value: string) {
  const select = $<HTMLSelectElement>(selector);
  expect(select, selector).not.toBeNull();
  await act(() => {
    select!.value = value;
    select!.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await flush();
}
