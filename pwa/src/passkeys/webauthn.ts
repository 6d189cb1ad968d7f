// WebAuthn's JSON form. The service sends a ceremony's options and takes the browser's answer as
// JSON with its bytes in base64url (WebAuthn level 3's *JSON types). Browsers that have
// PublicKeyCredential.parseCreationOptionsFromJSON / parseRequestOptionsFromJSON and the
// credential's toJSON() convert themselves; for the others it is done here (the same fields).

type Json = Record<string, unknown>;

/** Bytes as base64url without padding (RFC 4648 § 5), as the service reads them. */
export function toBase64url(data: ArrayBuffer | ArrayBufferView): string {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url (with or without padding; the standard alphabet is read too) → bytes; throws on anything else. */
export function fromBase64url(text: string): ArrayBuffer {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function object(value: unknown, what: string): Json {
  if (!isObject(value)) throw new TypeError(`${what}: an object was expected`);
  return value;
}

function bytes(value: unknown, what: string): ArrayBuffer {
  if (typeof value !== 'string') throw new TypeError(`${what}: base64url was expected`);
  return fromBase64url(value);
}

/** Credential descriptors (excludeCredentials, allowCredentials) with their ids as bytes. */
function descriptors(list: unknown, what: string): Json[] {
  if (!Array.isArray(list)) throw new TypeError(`${what}: a list was expected`);
  return list.map((item, i) => {
    const descriptor = object(item, `${what}[${i}]`);
    return { ...descriptor, id: bytes(descriptor.id, `${what}[${i}].id`) };
  });
}

/** The browser's own converters, where it has them. */
const native = (): Partial<Pick<typeof PublicKeyCredential, 'parseCreationOptionsFromJSON' | 'parseRequestOptionsFromJSON'>> | undefined =>
  (globalThis as { PublicKeyCredential?: typeof PublicKeyCredential }).PublicKeyCredential;

/** `publicKey` of a registration's options (JSON) → what `navigator.credentials.create()` takes. */
export function creationOptions(publicKey: unknown): PublicKeyCredentialCreationOptions {
  const json = object(publicKey, 'publicKey');
  const parse = native()?.parseCreationOptionsFromJSON;
  if (typeof parse === 'function') return parse.call(native(), json as unknown as PublicKeyCredentialCreationOptionsJSON);
  const user = object(json.user, 'user');
  const options: Json = { ...json, challenge: bytes(json.challenge, 'challenge'), user: { ...user, id: bytes(user.id, 'user.id') } };
  if (json.excludeCredentials !== undefined) options.excludeCredentials = descriptors(json.excludeCredentials, 'excludeCredentials');
  return options as unknown as PublicKeyCredentialCreationOptions;
}

/** `publicKey` of a login's options (JSON) → what `navigator.credentials.get()` takes. */
export function requestOptions(publicKey: unknown): PublicKeyCredentialRequestOptions {
  const json = object(publicKey, 'publicKey');
  const parse = native()?.parseRequestOptionsFromJSON;
  if (typeof parse === 'function') return parse.call(native(), json as unknown as PublicKeyCredentialRequestOptionsJSON);
  const options: Json = { ...json, challenge: bytes(json.challenge, 'challenge') };
  if (json.allowCredentials !== undefined) options.allowCredentials = descriptors(json.allowCredentials, 'allowCredentials');
  return options as unknown as PublicKeyCredentialRequestOptions;
}

/**
 * The credential `create()` or `get()` gave, as JSON for the service: its own `toJSON()`, else
 * the same fields made here (an attestation's or an assertion's response).
 */
export function credentialJson(credential: PublicKeyCredential): Json {
  if (typeof credential.toJSON === 'function') return credential.toJSON() as Json;
  const common = {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
  };
  const response = credential.response;
  if ('attestationObject' in response) {
    const attestation = response as AuthenticatorAttestationResponse;
    return {
      ...common,
      response: {
        clientDataJSON: toBase64url(attestation.clientDataJSON),
        attestationObject: toBase64url(attestation.attestationObject),
        transports: typeof attestation.getTransports === 'function' ? attestation.getTransports() : [],
      },
    };
  }
  const assertion = response as AuthenticatorAssertionResponse;
  return {
    ...common,
    response: {
      clientDataJSON: toBase64url(assertion.clientDataJSON),
      authenticatorData: toBase64url(assertion.authenticatorData),
      signature: toBase64url(assertion.signature),
      userHandle: assertion.userHandle ? toBase64url(assertion.userHandle) : null,
    },
  };
}

/** Whether this browser has WebAuthn (`window.PublicKeyCredential`) at all. */
export function passkeysSupported(): boolean {
  return typeof window !== 'undefined' && typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;
}

/** Whether the browser offers passkeys in a field's autofill (conditional mediation). */
export async function conditionalMediationAvailable(): Promise<boolean> {
  if (!passkeysSupported()) return false;
  const check = (PublicKeyCredential as Partial<typeof PublicKeyCredential>).isConditionalMediationAvailable;
  try {
    return typeof check === 'function' && (await check.call(PublicKeyCredential));
  } catch {
    return false;
  }
}
