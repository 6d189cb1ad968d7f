-- Passkeys (WebAuthn discoverable credentials, user verification required): each person's,
-- named by them, found at login by the credential id the authenticator gives.
CREATE TABLE passkeys (
    id uuid PRIMARY KEY,
    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    credential_id bytea NOT NULL UNIQUE,
    -- webauthn-rs's Passkey (public key, algorithm, signature counter), in its serde form.
    credential jsonb NOT NULL,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    created_at timestamptz NOT NULL,
    last_used_at timestamptz
);
CREATE INDEX passkeys_person ON passkeys (person_id, created_at);
