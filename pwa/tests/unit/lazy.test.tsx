import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLang } from '../../src/i18n';
import { lazy } from '../../src/lazy';

const Hello = ({ name }: { name: string }) => <p data-testid="hello">Bonjour {name}</p>;
const flush = async () => {
  for (let i = 0; i < 3; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};

let root: HTMLElement;
beforeEach(() => {
  setLang('fr');
  root = document.createElement('div');
  document.body.append(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});

describe('lazy screens', () => {
  it('show nothing until their module is here, then the component with its props', async () => {
    const module = vi.fn(() => Promise.resolve({ Hello }));
    const LazyHello = lazy(module, 'Hello');
    await act(() => render(<LazyHello name="Chloé" />, root));
    expect(root.textContent).toBe('');
    await flush();
    expect(root.textContent).toBe('Bonjour Chloé');
    render(null, root);
    await act(() => render(<LazyHello name="Lucas" />, root));
    expect(root.textContent).toBe('Bonjour Lucas'); // at once the second time
    expect(module).toHaveBeenCalledTimes(1);
  });

  it('are drawn at once when loaded beforehand', async () => {
    const LazyHello = lazy(() => Promise.resolve({ Hello }), 'Hello');
    await LazyHello.load();
    await act(() => render(<LazyHello name="Chloé" />, root));
    expect(root.textContent).toBe('Bonjour Chloé');
  });

  it('offer to reload when their module cannot be fetched, and ask for it again next time', async () => {
    const module = vi.fn().mockRejectedValueOnce(new TypeError('Failed to fetch')).mockResolvedValue({ Hello });
    const LazyHello = lazy(module as () => Promise<{ Hello: typeof Hello }>, 'Hello');
    await act(() => render(<LazyHello name="Chloé" />, root));
    await flush();
    expect(root.querySelector('[data-testid="load-failed"]')?.textContent).toContain('Cette page n’a pas pu être chargée.');
    expect(root.querySelector('button')?.textContent).toBe('Réessayer');
    render(null, root);
    await act(() => render(<LazyHello name="Chloé" />, root));
    await flush();
    expect(root.textContent).toBe('Bonjour Chloé');
    expect(module).toHaveBeenCalledTimes(2);
  });
});
