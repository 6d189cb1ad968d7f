-- The staff directory (« Annuaire »): what the people import says of teachers and staff at
-- work. `unlisted` is SUPANN's supannListeRouge: such people are never found.
ALTER TABLE people
    ADD COLUMN title TEXT,
    ADD COLUMN service TEXT,
    ADD COLUMN office TEXT,
    ADD COLUMN professional_phone TEXT,
    ADD COLUMN unlisted BOOLEAN NOT NULL DEFAULT false;
-- Searching teachers and staff by name, accents and case aside.
CREATE INDEX people_directory_names ON people (folded(family_name), folded(given_name))
    WHERE role <> 'student' AND NOT unlisted;
