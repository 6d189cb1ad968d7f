-- Help requests ("Assistance"): filed by a signed-in person, or by someone who cannot log in
-- (connection assistance, with the details they gave), routed by category to a staff queue;
-- their thread of replies, internal notes, status changes and assignments.

-- Staff of a queue hold the permission `help:<queue>`.
ALTER TABLE permissions DROP CONSTRAINT permissions_permission_check;
ALTER TABLE permissions ADD CONSTRAINT permissions_permission_check
    CHECK (permission IN ('accounts', 'timetable', 'publishing')
           OR permission ~ '^help:[a-z0-9-]{1,40}$');

CREATE TABLE help_requests (
    id bigserial PRIMARY KEY,
    category text NOT NULL,
    -- The queue its category was routed to when it was filed.
    queue text NOT NULL,
    -- None for connection assistance (see help_contacts).
    requester_id uuid REFERENCES people (id) ON DELETE CASCADE,
    subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    status text NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'in_progress', 'waiting', 'resolved', 'closed')),
    assignee_id uuid REFERENCES people (id) ON DELETE SET NULL,
    -- The language of the e-mails sent to the requester.
    lang text NOT NULL CHECK (lang IN ('fr', 'en')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    resolved_at timestamptz,
    -- Unread marker: the last reply or status change by staff, and when the requester last looked.
    staff_activity_at timestamptz,
    requester_seen_at timestamptz
);
CREATE INDEX help_requests_queue ON help_requests (queue, status, created_at, id);
CREATE INDEX help_requests_requester ON help_requests (requester_id, updated_at DESC, id DESC);

-- What someone who could not log in said about themselves, and whether it matched the registrar.
CREATE TABLE help_contacts (
    request_id bigint PRIMARY KEY REFERENCES help_requests (id) ON DELETE CASCADE,
    number text NOT NULL,
    family_name text NOT NULL,
    given_name text NOT NULL,
    birth_date date NOT NULL,
    -- Confirmed by a code sent to it.
    email text NOT NULL,
    -- matched: number, birth date and names agree with a record; partial: the number exists
    -- but something else differs; none: no such number.
    registrar text NOT NULL CHECK (registrar IN ('matched', 'partial', 'none')),
    person_id uuid REFERENCES people (id) ON DELETE SET NULL
);

CREATE TABLE help_messages (
    id bigserial PRIMARY KEY,
    request_id bigint NOT NULL REFERENCES help_requests (id) ON DELETE CASCADE,
    -- reply: seen by both sides; note: staff only; status and assignment: what changed.
    kind text NOT NULL CHECK (kind IN ('reply', 'note', 'status', 'assignment')),
    -- None: the requester of a connection assistance request.
    author_id uuid REFERENCES people (id) ON DELETE SET NULL,
    body text CHECK (length(body) BETWEEN 1 AND 10000),
    status text,
    created_at timestamptz NOT NULL
);
CREATE INDEX help_messages_thread ON help_messages (request_id, id);
