DROP TABLE calendar_feeds, timetable_pulls, timetable_imports, timetable_changes, timetable_event_teachers,
    timetable_event_groups, timetable_events, courses;
DELETE FROM permissions WHERE permission = 'timetable';
ALTER TABLE permissions DROP CONSTRAINT permissions_permission_check;
ALTER TABLE permissions ADD CONSTRAINT permissions_permission_check CHECK (permission IN ('accounts'));
