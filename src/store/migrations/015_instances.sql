-- Instances sharing one database (PostgreSQL; on SQLite only the one server): each says it is
-- alive every few seconds, so the outbox deliveries claimed by one that died are released as
-- soon as it falls silent, not when their five-minute lease ends (handoff/outbox_worker.cpp).
CREATE TABLE instances (
  id         TEXT PRIMARY KEY,               -- the name an instance puts on its outbox claims
  started_at INTEGER NOT NULL,
  seen_at    INTEGER NOT NULL                -- ms since the epoch, by the instance's clock
);
