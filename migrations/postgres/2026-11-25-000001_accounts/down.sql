DROP TABLE email_outbox;
DROP TABLE notification_preferences;
DROP TABLE refresh_tokens;
DROP TABLE email_verification_tokens;
DROP TABLE users;
