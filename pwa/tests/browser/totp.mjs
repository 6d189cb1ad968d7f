// RFC 6238 time-based codes, for the two-factor browser test (an independent implementation:
// node's HMAC over the secret the server shows, parameters read from its otpauth:// URI).
import { createHmac } from 'node:crypto';

function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of text.replace(/=+$/, '').toUpperCase()) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error(`not base32: ${char}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The current code for an otpauth://totp/… URI (or a bare base32 secret with the defaults). */
export function totp(uriOrSecret, now = Date.now()) {
  const uri = uriOrSecret.startsWith('otpauth://') ? new URL(uriOrSecret) : null;
  const secret = uri ? uri.searchParams.get('secret') : uriOrSecret;
  const digits = Number(uri?.searchParams.get('digits') ?? 6);
  const period = Number(uri?.searchParams.get('period') ?? 30);
  const algorithm = (uri?.searchParams.get('algorithm') ?? 'SHA1').toLowerCase();
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 1000 / period)));
  const mac = createHmac(algorithm, base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(value).padStart(digits, '0');
}
