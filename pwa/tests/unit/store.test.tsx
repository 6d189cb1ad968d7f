import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import { events, store, useStore } from '../../src/store';

describe('store', () => {
  it('tells its subscribers of each new value until they stop', () => {
    const count = store(0);
    const seen: number[] = [];
    const stop = count.subscribe((n) => seen.push(n));
    count.set(1);
    stop();
    count.set(2);
    expect(seen).toEqual([1]);
    expect(count.value).toBe(2);
  });

  it('tells every listener of an event, even when one stops while told', () => {
    const happened = events<string>();
    const seen: string[] = [];
    const stopFirst = happened.on((e) => {
      seen.push(`first ${e}`);
      stopFirst();
    });
    happened.on((e) => seen.push(`second ${e}`));
    happened.emit('a');
    happened.emit('b');
    expect(seen).toEqual(['first a', 'second a', 'second b']);
  });

  it('draws a component again when the value changes, a function value included', async () => {
    const answer = store<(() => string) | null>(null);
    const Shown = () => <p>{useStore(answer)?.() ?? 'none'}</p>;
    const root = document.createElement('div');
    await act(() => render(<Shown />, root));
    expect(root.textContent).toBe('none');
    await act(() => answer.set(() => 'yes'));
    expect(root.textContent).toBe('yes');
    render(null, root);
  });
});
