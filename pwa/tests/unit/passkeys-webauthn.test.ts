// WebAuthn's JSON form (src/passkeys/webauthn.ts): base64url both ways, the service's options
// made into what the browser takes, and the browser's credential made into the service's JSON,
// by hand where the browser has no converters of its own, else by the browser's.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { creationOptions, credentialJson, fromBase64url, requestOptions, toBase64url } from '../../src/passkeys/webauthn';

const bytes = (...values: number[]) => new Uint8Array(values);
const array = (buffer: ArrayBuffer | ArrayBufferView | undefined) =>
  buffer instanceof ArrayBuffer ? [...new Uint8Array(buffer)] : buffer ? [...new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)] : undefined;

afterEach(() => vi.unstubAllGlobals());

describe('base64url', () => {
  it('encodes without padding, with - and _', () => {
    expect(toBase64url(bytes())).toBe('');
    expect(toBase64url(bytes(0xfb, 0xff))).toBe('-_8');
    expect(toBase64url(bytes(1, 2, 3))).toBe('AQID');
    expect(toBase64url(new TextEncoder().encode('Tours'))).toBe('VG91cnM');
    // A view into a larger buffer: only its own bytes.
    expect(toBase64url(new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4))).toBe('AQID');
    expect(toBase64url(bytes(0xfb, 0xff).buffer)).toBe('-_8');
  });

  it('decodes with or without padding, and the standard alphabet', () => {
    expect(array(fromBase64url('-_8'))).toEqual([0xfb, 0xff]);
    expect(array(fromBase64url('-_8='))).toEqual([0xfb, 0xff]);
    expect(array(fromBase64url('+/8'))).toEqual([0xfb, 0xff]);
    expect(new TextDecoder().decode(fromBase64url('VG91cnM'))).toBe('Tours');
    expect(array(fromBase64url(''))).toEqual([]);
  });

  it('goes round every byte', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    for (let length = 0; length <= 5; length++) expect(array(fromBase64url(toBase64url(all.subarray(0, length))))).toEqual([...all.subarray(0, length)]);
    expect(array(fromBase64url(toBase64url(all)))).toEqual([...all]);
  });

  it('refuses what is not base64url', () => {
    expect(() => fromBase64url('a')).toThrow();
    expect(() => fromBase64url('é!')).toThrow();
  });
});

// As the service sends them (webauthn-rs, with residentKey required).
const CREATION = {
  rp: { id: 'localhost', name: 'ENT Tours' },
  user: { id: 'AQID', name: 'lucas.martin@etu.univ-tours.fr', displayName: 'Lucas Martin' },
  challenge: 'VG91cnM',
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }, { type: 'public-key', alg: -257 }],
  timeout: 300000,
  excludeCredentials: [{ type: 'public-key', id: '-_8', transports: ['internal'] }],
  authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
  attestation: 'none',
  extensions: { credProps: true },
};
const REQUEST = { challenge: '-_8', timeout: 300000, rpId: 'localhost', allowCredentials: [], userVerification: 'required' };

describe('options without the browser’s converters', () => {
  it('makes the creation options’ challenge, user id and excluded ids bytes, the rest as sent', () => {
    const options = creationOptions(CREATION);
    expect(array(options.challenge as ArrayBuffer)).toEqual([...new TextEncoder().encode('Tours')]);
    expect(array(options.user.id as ArrayBuffer)).toEqual([1, 2, 3]);
    expect(options.user.name).toBe('lucas.martin@etu.univ-tours.fr');
    expect(options.user.displayName).toBe('Lucas Martin');
    expect(options.excludeCredentials?.map((c) => ({ ...c, id: array(c.id as ArrayBuffer) }))).toEqual([
      { type: 'public-key', id: [0xfb, 0xff], transports: ['internal'] },
    ]);
    expect(options.rp).toEqual(CREATION.rp);
    expect(options.pubKeyCredParams).toEqual(CREATION.pubKeyCredParams);
    expect(options.authenticatorSelection).toEqual(CREATION.authenticatorSelection);
    expect(options.extensions).toEqual({ credProps: true });
    expect(options.timeout).toBe(300000);
    // What was sent is left as it was.
    expect(CREATION.challenge).toBe('VG91cnM');
  });

  it('leaves out what was not sent', () => {
    const without: Record<string, unknown> = { ...CREATION };
    delete without.excludeCredentials;
    expect('excludeCredentials' in creationOptions(without)).toBe(false);
    const discoverable: Record<string, unknown> = { ...REQUEST };
    delete discoverable.allowCredentials;
    expect('allowCredentials' in requestOptions(discoverable)).toBe(false);
  });

  it('makes the request options’ challenge and allowed ids bytes', () => {
    const options = requestOptions({ ...REQUEST, allowCredentials: [{ type: 'public-key', id: 'AQID' }] });
    expect(array(options.challenge as ArrayBuffer)).toEqual([0xfb, 0xff]);
    expect(options.allowCredentials?.map((c) => array(c.id as ArrayBuffer))).toEqual([[1, 2, 3]]);
    expect(options.rpId).toBe('localhost');
    expect(options.userVerification).toBe('required');
  });

  it('refuses options that are not WebAuthn’s', () => {
    expect(() => creationOptions(undefined)).toThrow(TypeError);
    expect(() => creationOptions({ ...CREATION, user: { id: 42 } })).toThrow(TypeError);
    expect(() => creationOptions({ ...CREATION, challenge: 'not base64!' })).toThrow();
    expect(() => requestOptions({ ...REQUEST, allowCredentials: 'AQID' })).toThrow(TypeError);
    expect(() => requestOptions([REQUEST])).toThrow(TypeError);
  });
});

describe('options with the browser’s converters', () => {
  it('hands the JSON to PublicKeyCredential.parse…FromJSON', () => {
    const parsed = { parsed: true };
    const parseCreationOptionsFromJSON = vi.fn(() => parsed);
    const parseRequestOptionsFromJSON = vi.fn(() => parsed);
    vi.stubGlobal('PublicKeyCredential', { parseCreationOptionsFromJSON, parseRequestOptionsFromJSON });
    expect(creationOptions(CREATION)).toBe(parsed);
    expect(parseCreationOptionsFromJSON).toHaveBeenCalledWith(CREATION);
    expect(requestOptions(REQUEST)).toBe(parsed);
    expect(parseRequestOptionsFromJSON).toHaveBeenCalledWith(REQUEST);
  });
});

/** A credential as the browser gives it, without toJSON (older browsers). */
function credential(response: object, extra: object = {}) {
  return {
    id: 'AQID',
    rawId: bytes(1, 2, 3).buffer,
    type: 'public-key',
    authenticatorAttachment: 'platform',
    getClientExtensionResults: () => ({ credProps: { rk: true } }),
    response,
    ...extra,
  } as unknown as PublicKeyCredential;
}

describe('the credential as JSON', () => {
  it('writes an attestation’s fields in base64url, with its transports', () => {
    const json = credentialJson(
      credential({
        clientDataJSON: new TextEncoder().encode('{"type":"webauthn.create"}').buffer,
        attestationObject: bytes(0xa3, 0x63).buffer,
        getTransports: () => ['internal', 'hybrid'],
      }),
    );
    expect(json).toEqual({
      id: 'AQID',
      rawId: 'AQID',
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: { credProps: { rk: true } },
      response: {
        clientDataJSON: toBase64url(new TextEncoder().encode('{"type":"webauthn.create"}')),
        attestationObject: 'o2M',
        transports: ['internal', 'hybrid'],
      },
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('writes an assertion’s fields in base64url, its user handle or null', () => {
    const assertion = (userHandle: ArrayBuffer | null) =>
      credentialJson(
        credential(
          { clientDataJSON: bytes(1).buffer, authenticatorData: bytes(2).buffer, signature: bytes(3).buffer, userHandle },
          { authenticatorAttachment: null },
        ),
      );
    const json = assertion(bytes(0xfb, 0xff).buffer);
    expect(json.response).toEqual({ clientDataJSON: 'AQ', authenticatorData: 'Ag', signature: 'Aw', userHandle: '-_8' });
    expect(json.rawId).toBe('AQID');
    expect(JSON.stringify(json)).not.toContain('authenticatorAttachment');
    expect((assertion(null).response as { userHandle: unknown }).userHandle).toBeNull();
  });

  it('uses the credential’s own toJSON when it has one', () => {
    const own = { id: 'own', response: {} };
    expect(credentialJson(credential({}, { toJSON: () => own }))).toBe(own);
  });
});
