import { describe, expect, it } from 'vitest';
import { formatDateTime, formatTime } from '../../src/i18n/format';

describe('dates', () => {
  it('are shown in Europe/Paris whatever the device zone', () => {
    // 06:30 UTC is 08:30 in Paris in summer (UTC+2) and 07:30 in winter (UTC+1).
    expect(formatTime('2024-09-02T06:30:00Z', 'fr')).toBe('08:30');
    expect(formatTime('2024-12-02T06:30:00Z', 'fr')).toBe('07:30');
    expect(formatDateTime('2024-09-02T06:30:00Z', 'fr')).toMatch(/^lundi 2 septembre 2024 (à )?08:30$/);
    expect(formatDateTime('2024-09-02T06:30:00Z', 'en')).toMatch(/^Monday,? 2 September 2024 (at )?08:30$/);
  });
});
