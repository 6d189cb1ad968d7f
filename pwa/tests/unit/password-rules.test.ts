import { describe, expect, it } from 'vitest';
import { charCount, localRules, rulesView, shownRules } from '../../src/accounts/password-rules';
import { POLICY } from './api-mock';

const states = (view: ReturnType<typeof rulesView>) => Object.fromEntries(view.rules.map((r) => [r.rule, r.state]));
const serverOk = (password: string, acceptable = true) => ({
  password,
  result: {
    acceptable,
    rules: [
      { rule: 'personal_information' as const, ok: true },
      { rule: 'common' as const, ok: acceptable },
      { rule: 'strength' as const, ok: acceptable },
    ],
  },
});

describe('password rules', () => {
  it('counts characters, not UTF-16 units', () => {
    expect(charCount('é😀a')).toBe(3);
  });

  it('judges length and character classes in the browser', () => {
    expect(localRules(POLICY, 'abc')).toEqual({
      min_length: false,
      max_length: true,
      letters_and_digits: false,
      upper_case: false,
      special: false,
    });
    expect(localRules(POLICY, 'Tours#2025abc')).toEqual({
      min_length: true,
      max_length: true,
      letters_and_digits: true,
      upper_case: true,
      special: true,
    });
    // Accented capitals count as upper case; a space is not a special character.
    expect(localRules(POLICY, 'Élan 12').upper_case).toBe(true);
    expect(localRules(POLICY, 'élan 12').special).toBe(false);
  });

  it('shows only the rules the policy asks for', () => {
    const relaxed = { ...POLICY, require_upper_case: false, require_special: false, min_strength: 0 };
    expect(shownRules(relaxed, 'x')).toEqual(['min_length', 'letters_and_digits', 'personal_information', 'common']);
    expect(shownRules(POLICY, 'x'.repeat(129))).toContain('max_length');
    expect(shownRules(POLICY, 'x')).not.toContain('max_length');
  });

  it('ticks as the person types, server rules pending until the check arrives', () => {
    const empty = rulesView(POLICY, '', null);
    expect(empty.acceptable).toBe(false);
    expect(new Set(Object.values(states(empty)))).toEqual(new Set(['no']));

    const partial = rulesView(POLICY, 'tours2025', null);
    expect(states(partial)).toMatchObject({ min_length: 'no', letters_and_digits: 'ok', upper_case: 'no', special: 'no', common: 'pending' });
    expect(partial.acceptable).toBe(false);

    const good = 'Tours#2025abc';
    expect(rulesView(POLICY, good, null).acceptable).toBe(false); // server not heard yet
    const checked = rulesView(POLICY, good, serverOk(good));
    expect(states(checked)).toMatchObject({ personal_information: 'ok', common: 'ok', strength: 'ok' });
    expect(checked.acceptable).toBe(true);
  });

  it('ignores a check made for another password', () => {
    const view = rulesView(POLICY, 'Tours#2025abcd', serverOk('Tours#2025abc'));
    expect(view.acceptable).toBe(false);
    expect(states(view).common).toBe('pending');
  });

  it('refuses what the server refuses, even when the local rules hold', () => {
    const password = 'Password#2025';
    const view = rulesView(POLICY, password, serverOk(password, false));
    expect(states(view)).toMatchObject({ common: 'no', strength: 'no', min_length: 'ok' });
    expect(view.acceptable).toBe(false);
  });

  it('lets the server decide at submit when the check could not be made', () => {
    const password = 'Tours#2025abc';
    const view = rulesView(POLICY, password, { password, result: null });
    expect(view.acceptable).toBe(true);
    expect(states(view).common).toBe('unknown');
    expect(rulesView(POLICY, 'short', { password: 'short', result: null }).acceptable).toBe(false);
  });
});
