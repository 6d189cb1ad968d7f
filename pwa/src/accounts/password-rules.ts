import type { PasswordCheck, PasswordPolicy, PasswordRule } from '../api/accounts';

/** Used until GET /api/password-policy answers (or when it cannot): the university's published rule. */
export const FALLBACK_POLICY: PasswordPolicy = {
  min_length: 12,
  max_length: 128,
  require_upper_case: true,
  require_letters_and_digits: true,
  require_special: true,
  min_strength: 3,
};

/** Rules the browser decides at once; the others come from POST /api/password-policy/check. */
export const LOCAL_RULES: readonly PasswordRule[] = ['min_length', 'max_length', 'letters_and_digits', 'upper_case', 'special'];

export type RuleState = 'ok' | 'no' | 'pending' | 'unknown';
export interface RuleView {
  rule: PasswordRule;
  state: RuleState;
}

/** Length in characters as a person counts them (code points, not UTF-16 units). */
export const charCount = (password: string) => [...password].length;

/** What the browser can tell at once, for the rules the policy asks for. */
export function localRules(policy: PasswordPolicy, password: string): Partial<Record<PasswordRule, boolean>> {
  const length = charCount(password);
  const result: Partial<Record<PasswordRule, boolean>> = {
    min_length: length >= policy.min_length,
    max_length: length <= policy.max_length,
  };
  if (policy.require_letters_and_digits) result.letters_and_digits = /\p{L}/u.test(password) && /\p{N}/u.test(password);
  if (policy.require_upper_case) result.upper_case = /\p{Lu}/u.test(password);
  if (policy.require_special) result.special = /[^\p{L}\p{N}\s]/u.test(password);
  return result;
}

/** The rules shown, in order; « at most N characters » only once it is broken. */
export function shownRules(policy: PasswordPolicy, password: string): PasswordRule[] {
  const rules: PasswordRule[] = ['min_length'];
  if (charCount(password) > policy.max_length) rules.push('max_length');
  if (policy.require_letters_and_digits) rules.push('letters_and_digits');
  if (policy.require_upper_case) rules.push('upper_case');
  if (policy.require_special) rules.push('special');
  rules.push('personal_information', 'common');
  if (policy.min_strength > 0) rules.push('strength');
  return rules;
}

/** The server's answer for one password (the check is only valid for the password it was made for). */
export interface ServerCheck {
  password: string;
  /** null when the check could not be made (network, rate limit): the server decides at submit. */
  result: PasswordCheck | null;
}

export interface RulesView {
  rules: RuleView[];
  /** Submit may be enabled. */
  acceptable: boolean;
}

/**
 * Combine the instant local rules with the server's check when it is for the current password.
 * Acceptable when every local rule holds and the server accepted this password (or could not be
 * asked: the server still refuses a bad password at submit, with 422 password-rejected).
 */
export function rulesView(policy: PasswordPolicy, password: string, server: ServerCheck | null): RulesView {
  const local = localRules(policy, password);
  const current = server && server.password === password ? server : null;
  const fromServer = new Map(current?.result?.rules.map((r) => [r.rule, r.ok]) ?? []);
  const rules = shownRules(policy, password).map((rule): RuleView => {
    if (password === '') return { rule, state: 'no' };
    const localValue = local[rule];
    if (localValue !== undefined) return { rule, state: localValue ? 'ok' : 'no' };
    const serverValue = fromServer.get(rule);
    if (serverValue !== undefined) return { rule, state: serverValue ? 'ok' : 'no' };
    // Not known yet (check on its way), or the server could not be asked: it decides at submit.
    return { rule, state: current?.result === null ? 'unknown' : 'pending' };
  });
  const localOk = password !== '' && LOCAL_RULES.every((rule) => local[rule] !== false);
  const serverOk = current !== null && (current.result === null || current.result.acceptable);
  return { rules, acceptable: localOk && serverOk };
}

/** Whether to ask the server: any non-empty password it would accept to read. */
export function needsServerCheck(policy: PasswordPolicy, password: string): boolean {
  return password !== '' && charCount(password) <= policy.max_length;
}
