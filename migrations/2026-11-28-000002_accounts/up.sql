-- Accounts: a person has one once they have activated it (no row = activation pending).
CREATE TABLE accounts (
    person_id uuid PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    -- What the person types to log in, lower-case.
    identifier text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'suspended', 'closed')),
    suspension_reason text CHECK (suspension_reason IN
        ('unpaid_fees', 'disciplinary', 'security', 'identity_check', 'other')),
    suspension_note text,
    state_changed_at timestamptz,
    activated_at timestamptz NOT NULL,
    password_changed_at timestamptz NOT NULL,
    -- Two-factor: the TOTP secret, encrypted (nonce ‖ ciphertext), and the last step accepted.
    two_factor_secret bytea,
    two_factor_enabled_at timestamptz,
    two_factor_last_step bigint,
    CHECK ((state = 'suspended') = (suspension_reason IS NOT NULL))
);

CREATE TABLE two_factor_recovery_codes (
    person_id uuid NOT NULL REFERENCES accounts (person_id) ON DELETE CASCADE,
    code_hash text NOT NULL,
    used_at timestamptz,
    PRIMARY KEY (person_id, code_hash)
);

-- What a member of staff may do beyond their role.
CREATE TABLE permissions (
    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    permission text NOT NULL CHECK (permission IN ('accounts')),
    PRIMARY KEY (person_id, permission)
);

-- Every security event, for the person's own history and for audit.
CREATE TABLE security_events (
    id bigserial PRIMARY KEY,
    person_id uuid REFERENCES people (id) ON DELETE CASCADE,
    kind text NOT NULL,
    success boolean NOT NULL,
    at timestamptz NOT NULL,
    ip text NOT NULL,
    device text NOT NULL,
    -- The member of staff who acted, for secretariat actions.
    actor_id uuid REFERENCES people (id) ON DELETE SET NULL,
    detail text
);
CREATE INDEX security_events_by_person ON security_events (person_id, at DESC);

-- When the person last proved they hold the phone on record (null: to verify again).
ALTER TABLE people ADD COLUMN phone_verified_at timestamptz;

-- Messages promised by a transaction, sent by the couriers' workers (FOR UPDATE SKIP LOCKED).
CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    channel text NOT NULL CHECK (channel IN ('sms', 'email')),
    recipient text NOT NULL,
    subject text,
    -- Emptied once sent: it may carry a one-time code or link.
    body text NOT NULL,
    created_at timestamptz NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    sent_at timestamptz,
    given_up_at timestamptz,
    last_error text
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND given_up_at IS NULL;
