DROP TABLE group_memberships;
DROP TABLE people;
DROP TABLE course_groups;
DROP TABLE programs;
DROP TABLE campuses;
