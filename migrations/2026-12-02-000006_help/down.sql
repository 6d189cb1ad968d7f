DROP TABLE help_messages;
DROP TABLE help_contacts;
DROP TABLE help_requests;
DELETE FROM permissions WHERE permission LIKE 'help:%';
ALTER TABLE permissions DROP CONSTRAINT permissions_permission_check;
ALTER TABLE permissions ADD CONSTRAINT permissions_permission_check
    CHECK (permission IN ('accounts', 'timetable', 'publishing'));
