// The password prompt's passkey (src/accounts/reauth.tsx loads this module only when the prompt
// opens, so that the app's first screen does not carry the ceremonies).
import { passkeys } from '../api/passkeys';
import { confirmWithPasskey } from './ceremonies';
import { passkeysSupported } from './webauthn';

/** Whether the person can confirm with a passkey here: this browser can, and they have one. */
export async function canConfirmWithPasskey(): Promise<boolean> {
  if (!passkeysSupported()) return false;
  const list = await passkeys.list();
  return list.ok && list.data.length > 0;
}

/** POST /api/session/reauthentication/passkey-challenge → the browser's prompt → …/passkey. */
export const reauthenticateWithPasskey = () => confirmWithPasskey(passkeys.startReauthentication, passkeys.reauthenticate);
