// The name suggested for a new passkey (src/passkeys/name.ts): the device from the user agent,
// the person's given name, French elision, English possessive, the service's 60 characters.
import { describe, expect, it } from 'vitest';
import { translate, type MessageKey } from '../../src/i18n';
import { deviceKind, NAME_MAX, suggestName } from '../../src/passkeys/name';

const fr = (key: MessageKey, params?: Record<string, string>) => translate('fr', key, params);
const en = (key: MessageKey, params?: Record<string, string>) => translate('en', key, params);

const AGENTS = {
  iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  // iPadOS asks for the desktop site by default: it says Macintosh.
  ipadDesktop: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  androidPhone: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  androidTablet: 'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  firefoxAndroid: 'Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0',
  chromebook: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  mac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  windows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  linux: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  other: 'curl/8.5.0',
};

describe('the device', () => {
  it('is read from the user agent', () => {
    expect(deviceKind(AGENTS.iphone)).toBe('iphone');
    expect(deviceKind(AGENTS.ipad)).toBe('ipad');
    expect(deviceKind(AGENTS.androidPhone)).toBe('androidPhone');
    expect(deviceKind(AGENTS.firefoxAndroid)).toBe('androidPhone');
    expect(deviceKind(AGENTS.androidTablet)).toBe('androidTablet');
    expect(deviceKind(AGENTS.chromebook)).toBe('chromebook');
    expect(deviceKind(AGENTS.mac)).toBe('mac');
    expect(deviceKind(AGENTS.windows)).toBe('windows');
    expect(deviceKind(AGENTS.linux)).toBe('linux');
    expect(deviceKind(AGENTS.other)).toBe('other');
  });

  it('is an iPad when a « Mac » has a touch screen', () => {
    expect(deviceKind(AGENTS.ipadDesktop, 5)).toBe('ipad');
    expect(deviceKind(AGENTS.ipadDesktop, 0)).toBe('mac');
  });
});

describe('the suggested name', () => {
  it('says whose device it is, in French and in English', () => {
    expect(suggestName('iphone', 'Lucas', fr)).toBe('iPhone de Lucas');
    expect(suggestName('iphone', 'Lucas', en)).toBe('Lucas’s iPhone');
    expect(suggestName('androidPhone', 'Chloé', fr)).toBe('Téléphone Android de Chloé');
    expect(suggestName('androidPhone', 'Chloé', en)).toBe('Chloé’s Android phone');
    expect(suggestName('androidTablet', 'Chloé', fr)).toBe('Tablette Android de Chloé');
    expect(suggestName('windows', 'Hugo', fr)).toBe('PC Windows de Hugo');
    expect(suggestName('windows', 'Hugo', en)).toBe('Hugo’s Windows PC');
    expect(suggestName('linux', 'Lucas', fr)).toBe('PC Linux de Lucas');
    expect(suggestName('mac', 'Lucas', en)).toBe('Lucas’s Mac');
    expect(suggestName('chromebook', 'Lucas', fr)).toBe('Chromebook de Lucas');
    expect(suggestName('other', 'Lucas', fr)).toBe('Appareil de Lucas');
  });

  it('elides « de » before a vowel in French', () => {
    expect(suggestName('ipad', 'Emma', fr)).toBe('iPad d’Emma');
    expect(suggestName('iphone', 'Élodie', fr)).toBe('iPhone d’Élodie');
    expect(suggestName('iphone', 'Océane', fr)).toBe('iPhone d’Océane');
    expect(suggestName('mac', 'Yanis', fr)).toBe('Mac de Yanis');
    expect(suggestName('ipad', 'Emma', en)).toBe('Emma’s iPad');
  });

  it('is the device alone without a given name, and the given name without its spaces', () => {
    expect(suggestName('iphone', '  ', fr)).toBe('iPhone');
    expect(suggestName('iphone', ' Lucas ', fr)).toBe('iPhone de Lucas');
  });

  it('keeps to the service’s 60 characters', () => {
    const long = 'Marie-Geneviève-Alexandrine-Bérénice-Clothilde-Eugénie';
    const name = suggestName('androidTablet', long, fr);
    expect([...name]).toHaveLength(NAME_MAX);
    expect(name.startsWith('Tablette Android de Marie-Geneviève')).toBe(true);
  });
});
