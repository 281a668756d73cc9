-- PostgreSQL form of ../006_phone_calls.sql (INTEGER is BIGINT; outcome_confirmed stays a 0/1 BIGINT).
-- Phone calls taken on the call-guidance page (docs/protocol.md, "Phone calls"): who took the
-- call and how they wrapped it up. The conversation itself (state, turns, outcome) is an
-- ordinary row with channel 'phone'. A call whose page closed before the wrap-up keeps
-- wrapped_up_at NULL, and the hub review shows it as not wrapped up.
CREATE TABLE phone_calls (
  -- Deleting a conversation (retention purge, erasure) takes its call row with it.
  conversation_id   TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
  staff_id          TEXT NOT NULL REFERENCES staff (id),  -- never the token
  started_at        BIGINT NOT NULL,
  wrapped_up_at     BIGINT,
  wrap_up_code      TEXT,                    -- an id from content/wrap_up_codes.yaml
  wrap_up_outcome   TEXT,                    -- the outcome code confirmed; NULL when wrapped up before one
  outcome_confirmed BIGINT,                  -- 1 when the worker confirmed the outcome given
  wrap_up_note      TEXT                     -- the worker's note, redacted; purged with free text
);
CREATE INDEX phone_calls_by_staff ON phone_calls (staff_id, started_at);
