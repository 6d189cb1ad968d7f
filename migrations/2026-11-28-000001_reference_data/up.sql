-- The university's reference data, as the registrar and HR know it. Every feature builds on it.

-- Campuses are configuration; `ent migrate` and `ent serve` copy them here so that rows can
-- refer to them.
CREATE TABLE campuses (
    code text PRIMARY KEY CHECK (code ~ '^[a-z0-9-]{1,40}$'),
    name text NOT NULL,
    city text NOT NULL
);

-- Programs (formations): "L1 Informatique", "Master Droit des affaires"…
CREATE TABLE programs (
    code text PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 40),
    name text NOT NULL,
    campus_code text REFERENCES campuses (code)
);

-- Course groups (TD/TP groups, promotions): what timetables and messaging target.
CREATE TABLE course_groups (
    code text PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 40),
    name text NOT NULL,
    program_code text REFERENCES programs (code)
);

CREATE TABLE people (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Student number (numéro étudiant) or personnel number.
    number text NOT NULL UNIQUE CHECK (number ~ '^[A-Za-z0-9]{1,20}$'),
    role text NOT NULL CHECK (role IN ('student', 'teacher', 'staff')),
    family_name text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
    given_name text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
    birth_date date NOT NULL,
    institutional_email text CHECK (length(institutional_email) <= 254),
    personal_email text CHECK (length(personal_email) <= 254),
    -- E.164, as checked by the phone-number library on the way in.
    mobile_phone text CHECK (mobile_phone ~ '^\+[1-9][0-9]{6,14}$'),
    campus_code text REFERENCES campuses (code),
    program_code text REFERENCES programs (code),
    enrolment text NOT NULL CHECK (enrolment IN ('enrolled', 'former')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE UNIQUE INDEX people_institutional_email ON people (lower(institutional_email));
CREATE INDEX people_campus ON people (campus_code);
CREATE INDEX people_program ON people (program_code);

CREATE TABLE group_memberships (
    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    group_code text NOT NULL REFERENCES course_groups (code),
    PRIMARY KEY (person_id, group_code)
);

CREATE INDEX group_memberships_group ON group_memberships (group_code);
