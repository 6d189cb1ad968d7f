-- Registration and re-registration (« Inscriptions et réinscriptions »): where the registrar
-- says each person's registration for an academic year stands, imported from its file.
CREATE TABLE registrations (
    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- "2026-2027"
    academic_year text NOT NULL CHECK (academic_year ~ '^[0-9]{4}-[0-9]{4}$'),
    -- The program as the registrar names it on a certificate.
    program text NOT NULL,
    administrative text NOT NULL CHECK (administrative IN
        ('not_started', 'in_progress', 'awaiting_documents', 'awaiting_payment', 'complete')),
    pedagogical text NOT NULL CHECK (pedagogical IN ('not_started', 'in_progress', 'complete')),
    -- The CVEC attestation (contribution de vie étudiante et de campus) was given.
    cvec boolean NOT NULL,
    missing_documents text[] NOT NULL DEFAULT '{}',
    -- The (re-)registration window, when the registrar gives one.
    opens_on date,
    closes_on date,
    -- Printed on the certificate of enrolment and confirmed by /verify/{code}; given when the
    -- administrative registration is complete, kept if it stops being (the page then says so).
    certificate_code text UNIQUE,
    -- Pushes already sent, so that each goes once whatever the number of workers: the window's
    -- opening, and the smallest "days before closing" reminder sent.
    opening_announced boolean NOT NULL DEFAULT false,
    reminded_days smallint,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (person_id, academic_year),
    CHECK (opens_on <= closes_on)
);
-- The reminders worker looks only at open windows of incomplete registrations.
CREATE INDEX registrations_due ON registrations (closes_on) WHERE administrative <> 'complete';

-- Photos for the student card, uploaded by the secretariat.
CREATE TABLE card_photos (
    person_id uuid PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes bytea NOT NULL,
    uploaded_at timestamptz NOT NULL
);
