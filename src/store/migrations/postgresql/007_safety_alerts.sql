-- PostgreSQL form of ../007_safety_alerts.sql (INTEGER is BIGINT; the level CHECK is named).
-- Every safety alert the detector raised, one row per harm category, for hub review: the
-- category and the words that raised it are for reviewers, never sent to the practitioner.
-- `words` is derived from typed text, so it is purged with free text; the rest is the
-- structured record and kept with the conversation.
CREATE TABLE safety_alerts (
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  at              BIGINT NOT NULL,
  node            TEXT,                    -- where the text was typed
  source          TEXT NOT NULL,           -- answer | handoff_reason | message | note | wrap_up | speech
  level           TEXT NOT NULL CONSTRAINT safety_alerts_level_check CHECK (level IN ('immediate_danger', 'significant_harm')),
  category        TEXT NOT NULL,           -- physical_abuse, neglect... (content/safety/detector.yaml)
  label           TEXT NOT NULL,           -- "Physical abuse"
  words           TEXT,                    -- JSON array of the typed words that raised it; NULL once purged
  rule_line       BIGINT                   -- the rule's line in the detector file that served
);
CREATE INDEX safety_alerts_by_conversation ON safety_alerts (conversation_id);
CREATE INDEX safety_alerts_by_category ON safety_alerts (category, conversation_id);
