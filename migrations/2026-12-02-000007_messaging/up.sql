-- Messaging: conversations one-to-one, of a course group (its teachers and students) or with a
-- university service (its staff on one side), their messages, each person's read state, mute
-- and leave, and blocks between people.

-- Staff of a service hold `messages:<service>`, as help queues' staff hold `help:<queue>`.
ALTER TABLE permissions DROP CONSTRAINT permissions_permission_check;
ALTER TABLE permissions ADD CONSTRAINT permissions_permission_check
    CHECK (permission IN ('accounts', 'timetable', 'publishing')
           OR permission ~ '^(help|messages):[a-z0-9-]{1,40}$');

CREATE TABLE conversations (
    id bigserial PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('direct', 'group', 'service')),
    group_code text REFERENCES course_groups (code) ON DELETE CASCADE,
    service text,
    -- One conversation per pair of people (`direct:<a>:<b>`, sorted), per group (`group:<code>`)
    -- and per person and service (`service:<code>:<person>`).
    unique_key text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    last_message_id bigint,
    last_message_at timestamptz,
    CHECK ((kind = 'group') = (group_code IS NOT NULL)),
    CHECK ((kind = 'service') = (service IS NOT NULL))
);
CREATE INDEX conversations_service ON conversations (service, last_message_at DESC, id DESC)
    WHERE service IS NOT NULL;

CREATE TABLE conversation_members (
    conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- Service staff get a row when they first read or write, for their read state.
    staff_side boolean NOT NULL DEFAULT false,
    muted boolean NOT NULL DEFAULT false,
    left_at timestamptz,
    -- The last message they have read (0: none).
    last_read_id bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, person_id)
);
CREATE INDEX conversation_members_person ON conversation_members (person_id)
    WHERE left_at IS NULL;

CREATE TABLE messages (
    id bigserial PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    -- Chosen by the sender's device: sending the same message again returns the first one.
    client_key text NOT NULL CHECK (length(client_key) BETWEEN 1 AND 64),
    created_at timestamptz NOT NULL,
    UNIQUE (author_id, client_key)
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

CREATE TABLE blocks (
    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    blocked_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (person_id, blocked_id)
);
