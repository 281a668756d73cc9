-- PostgreSQL form of ../010_conversation_hubs.sql: which hubs a conversation belongs to, kept by
-- triggers; what the practitioner said about themselves; the 'leeds-wide' staff role.
-- Where the PostgreSQL form differs, and why:
-- * staff is not rebuilt (SQLite's only way to change a CHECK): its named CHECK is replaced in
--   place. The rows, the primary key and the foreign keys to staff stay as they were.
-- * SQLite's trigger bodies are plpgsql functions; the triggers keep their names, events
--   (AFTER INSERT / AFTER UPDATE OF <column>, for each row) and WHEN conditions.
-- * INSERT OR IGNORE is ON CONFLICT DO NOTHING. SQLite's IGNORE would also skip a row breaking a
--   NOT NULL or CHECK constraint, but no row inserted here can: every value comes from a NOT NULL
--   column or a literal, and hub is one of east/west/south by each WHEN/WHERE.
-- * The two backfills from handoffs can produce one key twice (several handoffs of one
--   conversation); the first row wins. SQLite reads handoffs in rowid order, which is the order
--   they were inserted; PostgreSQL has no such order, so they are read ORDER BY requested_at
--   (set to the time of the insert), reference, which picks the same row.
CREATE TABLE conversation_hubs (
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  hub             TEXT NOT NULL CONSTRAINT conversation_hubs_hub_check CHECK (hub IN ('east', 'west', 'south')),
  why             TEXT NOT NULL CONSTRAINT conversation_hubs_why_check CHECK (why IN ('area', 'work_area', 'call_taker', 'handoff')),
  at              BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, hub, why)
);
CREATE INDEX conversation_hubs_by_hub ON conversation_hubs (hub, conversation_id);

-- What the practitioner said about themselves, both optional ("unsaid" for "prefer not to say").
ALTER TABLE conversations ADD COLUMN work_area TEXT;  -- east | west | south | unsaid
ALTER TABLE conversations ADD COLUMN agency TEXT;     -- school | early_years | health | gp | police | ... | unsaid

-- A role that sees every conversation without an admin's powers: a Leeds-wide manager.
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('hub:east', 'hub:west', 'hub:south', 'leeds-wide', 'admin'));

CREATE FUNCTION conversation_hubs_area() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO conversation_hubs (conversation_id, hub, why, at) VALUES (NEW.id, NEW.area, 'area', NEW.updated_at)
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER conversation_hubs_area_new AFTER INSERT ON conversations
  FOR EACH ROW WHEN (NEW.area IN ('east', 'west', 'south')) EXECUTE FUNCTION conversation_hubs_area();
CREATE TRIGGER conversation_hubs_area AFTER UPDATE OF area ON conversations
  FOR EACH ROW WHEN (NEW.area IN ('east', 'west', 'south')) EXECUTE FUNCTION conversation_hubs_area();

CREATE FUNCTION conversation_hubs_work_area() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO conversation_hubs (conversation_id, hub, why, at) VALUES (NEW.id, NEW.work_area, 'work_area', NEW.updated_at)
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER conversation_hubs_work_area AFTER UPDATE OF work_area ON conversations
  FOR EACH ROW WHEN (NEW.work_area IN ('east', 'west', 'south')) EXECUTE FUNCTION conversation_hubs_work_area();

CREATE FUNCTION conversation_hubs_call_taker() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO conversation_hubs (conversation_id, hub, why, at)
    SELECT NEW.conversation_id, substr(s.role, 5), 'call_taker', NEW.started_at FROM staff s
    WHERE s.id = NEW.staff_id AND s.role IN ('hub:east', 'hub:west', 'hub:south')
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER conversation_hubs_call_taker AFTER INSERT ON phone_calls
  FOR EACH ROW EXECUTE FUNCTION conversation_hubs_call_taker();

CREATE FUNCTION conversation_hubs_handoff() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO conversation_hubs (conversation_id, hub, why, at)
    SELECT NEW.conversation_id, substr(s.role, 5), 'handoff', COALESCE(NEW.accepted_at, NEW.updated_at) FROM staff s
    WHERE s.id = NEW.accepted_by AND s.role IN ('hub:east', 'hub:west', 'hub:south')
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER conversation_hubs_handoff AFTER UPDATE OF accepted_by ON handoffs
  FOR EACH ROW WHEN (NEW.accepted_by IS NOT NULL) EXECUTE FUNCTION conversation_hubs_handoff();

-- What is already logged belongs where it would have, had the rule always been so.
INSERT INTO conversation_hubs (conversation_id, hub, why, at)
  SELECT id, area, 'area', updated_at FROM conversations WHERE area IN ('east', 'west', 'south')
  ON CONFLICT DO NOTHING;
INSERT INTO conversation_hubs (conversation_id, hub, why, at)
  SELECT h.conversation_id, h.area, 'area', h.requested_at FROM handoffs h WHERE h.area IN ('east', 'west', 'south')
  ORDER BY h.requested_at, h.reference
  ON CONFLICT DO NOTHING;
INSERT INTO conversation_hubs (conversation_id, hub, why, at)
  SELECT p.conversation_id, substr(s.role, 5), 'call_taker', p.started_at FROM phone_calls p JOIN staff s ON s.id = p.staff_id
  WHERE s.role IN ('hub:east', 'hub:west', 'hub:south')
  ON CONFLICT DO NOTHING;
INSERT INTO conversation_hubs (conversation_id, hub, why, at)
  SELECT h.conversation_id, substr(s.role, 5), 'handoff', COALESCE(h.accepted_at, h.updated_at) FROM handoffs h JOIN staff s ON s.id = h.accepted_by
  WHERE s.role IN ('hub:east', 'hub:west', 'hub:south')
  ORDER BY h.requested_at, h.reference
  ON CONFLICT DO NOTHING;
