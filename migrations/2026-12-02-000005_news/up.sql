-- News: items written by staff with the publishing permission, for an audience (everyone, or
-- any mix of roles, campuses, programs and groups), published now or later, until an optional
-- expiry; and what each person has read.

ALTER TABLE permissions DROP CONSTRAINT permissions_permission_check;
ALTER TABLE permissions ADD CONSTRAINT permissions_permission_check
    CHECK (permission IN ('accounts', 'timetable', 'publishing'));

CREATE TABLE news_items (
    id bigserial PRIMARY KEY,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    -- A safe Markdown subset, stored as written and rendered as text by the PWA.
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    link_url text CHECK (length(link_url) <= 2000),
    image_url text CHECK (length(image_url) <= 2000),
    -- {everyone, roles, campuses, programs, groups}: everyone, or people matching each
    -- non-empty list (any of its values).
    audience jsonb NOT NULL,
    publish_at timestamptz NOT NULL,
    expires_at timestamptz,
    pinned boolean NOT NULL DEFAULT false,
    urgent boolean NOT NULL DEFAULT false,
    author_id uuid REFERENCES people (id) ON DELETE SET NULL,
    withdrawn_at timestamptz,
    -- Urgent items: when their push to the audience was queued.
    announced_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CHECK (expires_at IS NULL OR expires_at > publish_at)
);
CREATE INDEX news_items_feed ON news_items (pinned DESC, publish_at DESC, id DESC)
    WHERE withdrawn_at IS NULL;
CREATE INDEX news_items_to_announce ON news_items (publish_at)
    WHERE urgent AND announced_at IS NULL AND withdrawn_at IS NULL;

CREATE TABLE news_reads (
    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    item_id bigint NOT NULL REFERENCES news_items (id) ON DELETE CASCADE,
    read_at timestamptz NOT NULL,
    PRIMARY KEY (person_id, item_id)
);
