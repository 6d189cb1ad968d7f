-- The timetable: courses, events (imported from ADE's iCalendar exports, or edited by staff),
-- who attends them (groups, teachers), their history of changes, and personal calendar feeds.

ALTER TABLE permissions DROP CONSTRAINT permissions_permission_check;
ALTER TABLE permissions ADD CONSTRAINT permissions_permission_check
    CHECK (permission IN ('accounts', 'timetable'));

CREATE TABLE courses (
    code text PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 80),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    colour text NOT NULL CHECK (colour ~ '^#[0-9a-f]{6}$')
);

CREATE TABLE timetable_events (
    id bigserial PRIMARY KEY,
    -- The source's UID (ADE's are stable): a re-import matches on it.
    uid text NOT NULL UNIQUE CHECK (length(uid) BETWEEN 1 AND 255),
    course_code text NOT NULL REFERENCES courses (code),
    kind text NOT NULL CHECK (kind IN ('cm', 'td', 'tp', 'exam', 'other')),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    rooms text[] NOT NULL DEFAULT '{}',
    campus_code text REFERENCES campuses (code),
    -- Names as the source gives them (the linked people are in timetable_event_teachers).
    teachers text[] NOT NULL DEFAULT '{}',
    -- Group names the source lists, for display.
    groups text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    -- SHA-256 of the normalised source version last imported: an unchanged export changes
    -- nothing (and does not undo a staff edit).
    source_fingerprint text,
    -- The last change, as people see it: {at, changes (time, room, teacher, cancelled, added,
    -- restored), previous (the values before), reason (given by staff)}.
    last_change jsonb,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    -- One more at every write: what a week's ETag is made of.
    revision integer NOT NULL DEFAULT 0,
    CHECK (ends_at > starts_at)
);

-- Who attends: the groups whose export holds the event. `starts_at` is copied here so that a
-- person's week is an index range per group, whatever the size of the year.
CREATE TABLE timetable_event_groups (
    group_code text NOT NULL REFERENCES course_groups (code),
    starts_at timestamptz NOT NULL,
    event_id bigint NOT NULL REFERENCES timetable_events (id) ON DELETE CASCADE,
    PRIMARY KEY (group_code, starts_at, event_id)
);
CREATE INDEX timetable_event_groups_event ON timetable_event_groups (event_id);

-- Who teaches: people matched by name from the source.
CREATE TABLE timetable_event_teachers (
    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    starts_at timestamptz NOT NULL,
    event_id bigint NOT NULL REFERENCES timetable_events (id) ON DELETE CASCADE,
    PRIMARY KEY (person_id, starts_at, event_id)
);
CREATE INDEX timetable_event_teachers_event ON timetable_event_teachers (event_id);

-- Every change, for audit: what it was, the values before, who made it (null: an import).
CREATE TABLE timetable_changes (
    id bigserial PRIMARY KEY,
    event_id bigint NOT NULL REFERENCES timetable_events (id) ON DELETE CASCADE,
    at timestamptz NOT NULL,
    changes text[] NOT NULL,
    previous jsonb,
    reason text,
    actor_id uuid REFERENCES people (id) ON DELETE SET NULL
);
CREATE INDEX timetable_changes_event ON timetable_changes (event_id, at DESC);

-- The last import of each group's export.
CREATE TABLE timetable_imports (
    group_code text PRIMARY KEY REFERENCES course_groups (code),
    imported_at timestamptz NOT NULL,
    file_fingerprint text NOT NULL,
    events integer NOT NULL
);

-- When each configured ADE export is pulled next: claiming a row is how one instance, and only
-- one, pulls it.
CREATE TABLE timetable_pulls (
    group_code text PRIMARY KEY,
    next_pull_at timestamptz NOT NULL,
    last_error text
);

-- Personal calendar feeds: the secret URL is derived (HMAC) from the person and the generation;
-- regenerating increments the generation, which revokes the previous URL.
CREATE TABLE calendar_feeds (
    person_id uuid PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    generation integer NOT NULL,
    created_at timestamptz NOT NULL
);
