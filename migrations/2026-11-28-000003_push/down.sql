DROP TABLE push_outbox;
DROP TABLE push_preferences;
DROP TABLE push_subscriptions;
