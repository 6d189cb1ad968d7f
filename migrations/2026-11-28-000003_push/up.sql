-- Web Push: one subscription per session (device), the person's preferences, and the outbox of
-- notifications that workers deliver (FOR UPDATE SKIP LOCKED).
CREATE TABLE push_subscriptions (
    id bigserial PRIMARY KEY,
    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- The session (sha256 of its id) the subscription belongs to: it ends with it.
    session_key text NOT NULL UNIQUE,
    endpoint text NOT NULL UNIQUE CHECK (length(endpoint) <= 2000),
    p256dh text NOT NULL,
    auth text NOT NULL,
    -- Security alerts cannot be turned off, only muted on one device.
    security_muted boolean NOT NULL DEFAULT false,
    -- The device's language when it subscribed (fr, en): notifications are written in it.
    language text NOT NULL DEFAULT 'fr',
    created_at timestamptz NOT NULL
);
CREATE INDEX push_subscriptions_by_person ON push_subscriptions (person_id);

CREATE TABLE push_preferences (
    person_id uuid PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    disabled_categories text[] NOT NULL DEFAULT '{}',
    -- Quiet hours in the university's time zone (none when null); never for security.
    quiet_start time,
    quiet_end time,
    CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
);

CREATE TABLE push_outbox (
    id bigserial PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
    category text NOT NULL,
    -- JSON {title, body, url, category, tag}, in the recipient's language; never a secret.
    payload text NOT NULL,
    topic text,
    urgency text NOT NULL,
    ttl integer NOT NULL,
    created_at timestamptz NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    sent_at timestamptz,
    given_up_at timestamptz,
    last_error text
);
CREATE INDEX push_outbox_due ON push_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND given_up_at IS NULL;
