DROP TABLE outbox;
ALTER TABLE people DROP COLUMN phone_verified_at;
DROP TABLE security_events;
DROP TABLE permissions;
DROP TABLE two_factor_recovery_codes;
DROP TABLE accounts;
