-- PostgreSQL form of ../005_voice_calls.sql (INTEGER is BIGINT).
-- Voice calls (docs/voice.md): the telephony provider's call id (Twilio's CallSid) mapped to the
-- conversation it runs, with what the spoken dialogue needs between two webhook requests. Kept in
-- the database, not in memory, so a server restart in the middle of a call carries the call on.
-- The conversation itself (state, turns, outcome) is an ordinary row with channel 'voice'.
CREATE TABLE voice_calls (
  call_sid        TEXT PRIMARY KEY,
  -- Deleting a conversation (retention purge, erasure) takes its call row with it.
  conversation_id TEXT NOT NULL UNIQUE REFERENCES conversations (id) ON DELETE CASCADE,
  no_input        BIGINT NOT NULL DEFAULT 0,  -- empty answers in a row at the current node
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);
