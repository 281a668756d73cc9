-- PostgreSQL form of ../016_practitioner_presence.sql (INTEGER is BIGINT).
CREATE TABLE practitioner_presence (
  conversation_id TEXT NOT NULL,
  instance        TEXT NOT NULL,
  since           BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, instance)
);
