DROP TABLE blocks, messages, conversation_members, conversations;
DELETE FROM permissions WHERE permission LIKE 'messages:%';
ALTER TABLE permissions DROP CONSTRAINT permissions_permission_check;
ALTER TABLE permissions ADD CONSTRAINT permissions_permission_check
    CHECK (permission IN ('accounts', 'timetable', 'publishing')
           OR permission ~ '^help:[a-z0-9-]{1,40}$');
