DROP TABLE news_reads, news_items;
DELETE FROM permissions WHERE permission = 'publishing';
ALTER TABLE permissions DROP CONSTRAINT permissions_permission_check;
ALTER TABLE permissions ADD CONSTRAINT permissions_permission_check
    CHECK (permission IN ('accounts', 'timetable'));
