DROP INDEX people_directory_order;
ALTER TABLE people DROP COLUMN directory_name;
