-- PostgreSQL form of ../015_instances.sql (INTEGER is BIGINT).
CREATE TABLE instances (
  id         TEXT PRIMARY KEY,
  started_at BIGINT NOT NULL,
  seen_at    BIGINT NOT NULL
);
