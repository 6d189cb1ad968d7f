DELETE FROM outbox WHERE channel = 'back_channel';
ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_channel_check CHECK (channel IN ('sms', 'email'));
DROP TABLE service_favourites;
DROP TABLE cas_sign_ons;
