-- PostgreSQL form of ../013_outbox_claims.sql (the same statement).
-- Which server process holds an outbox event for a delivery attempt now (claim_event), NULL
-- when none does. A server that starts on an SQLite file it holds alone (serve_lock) knows
-- that any claim left in the table belongs to a process that died mid-delivery, and makes
-- that event due at once instead of waiting out the lease.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
