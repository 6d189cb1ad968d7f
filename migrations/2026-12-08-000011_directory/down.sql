DROP INDEX people_directory_names;
ALTER TABLE people DROP COLUMN title, DROP COLUMN service, DROP COLUMN office,
    DROP COLUMN professional_phone, DROP COLUMN unlisted;
