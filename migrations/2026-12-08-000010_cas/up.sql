-- Tickets issued for services during a session, for Single Logout and for the devices page.
-- The ticket is kept because the logout request names it (SessionIndex); it was spent or
-- expired minutes after issue.
CREATE TABLE cas_sign_ons (
    id BIGSERIAL PRIMARY KEY,
    session_key TEXT NOT NULL,
    person_id UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    service_code TEXT NOT NULL,
    service_url TEXT NOT NULL,
    ticket TEXT NOT NULL,
    opened_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX cas_sign_ons_session ON cas_sign_ons (session_key);
CREATE INDEX cas_sign_ons_person ON cas_sign_ons (person_id, opened_at);

-- « Tous les services »: the services a person put first.
CREATE TABLE service_favourites (
    person_id UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    service_code TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, service_code)
);

-- Single Logout requests travel through the outbox, like text messages and e-mail.
ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_channel_check
    CHECK (channel IN ('sms', 'email', 'back_channel'));
