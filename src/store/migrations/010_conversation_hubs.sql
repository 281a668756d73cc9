-- Which hubs a conversation belongs to (docs/staff-scope.md). A hub sees a conversation when:
-- the practitioner gave the hub's area at any point (the dialog's area question, even if they
-- went back from it later), or said they work in it ("which area do you work in?"), or a member
-- of the hub took the phone call or accepted the handoff. Rows are only ever added, by the
-- triggers below, in the transaction of the write that gave the reason.
CREATE TABLE conversation_hubs (
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  hub             TEXT NOT NULL CHECK (hub IN ('east', 'west', 'south')),
  why             TEXT NOT NULL CHECK (why IN ('area', 'work_area', 'call_taker', 'handoff')),
  at              INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, hub, why)
) WITHOUT ROWID;
CREATE INDEX conversation_hubs_by_hub ON conversation_hubs (hub, conversation_id);

-- What the practitioner said about themselves, both optional ("unsaid" for "prefer not to say").
ALTER TABLE conversations ADD COLUMN work_area TEXT;  -- east | west | south | unsaid
ALTER TABLE conversations ADD COLUMN agency TEXT;     -- school | early_years | health | gp | police | ... | unsaid

-- A role that sees every conversation without an admin's powers: a Leeds-wide manager. SQLite
-- cannot change a CHECK, so the table is rebuilt (migrate() runs this with foreign keys off and
-- checks them before it commits).
CREATE TABLE staff_new (
  id           TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('hub:east', 'hub:west', 'hub:south', 'leeds-wide', 'admin')),
  created_at   INTEGER NOT NULL,
  disabled_at  INTEGER
);
INSERT INTO staff_new (id, display_name, role, created_at, disabled_at) SELECT id, display_name, role, created_at, disabled_at FROM staff;
DROP TABLE staff;
ALTER TABLE staff_new RENAME TO staff;

CREATE TRIGGER conversation_hubs_area_new AFTER INSERT ON conversations WHEN NEW.area IN ('east', 'west', 'south')
BEGIN INSERT OR IGNORE INTO conversation_hubs VALUES (NEW.id, NEW.area, 'area', NEW.updated_at); END;
CREATE TRIGGER conversation_hubs_area AFTER UPDATE OF area ON conversations WHEN NEW.area IN ('east', 'west', 'south')
BEGIN INSERT OR IGNORE INTO conversation_hubs VALUES (NEW.id, NEW.area, 'area', NEW.updated_at); END;
CREATE TRIGGER conversation_hubs_work_area AFTER UPDATE OF work_area ON conversations WHEN NEW.work_area IN ('east', 'west', 'south')
BEGIN INSERT OR IGNORE INTO conversation_hubs VALUES (NEW.id, NEW.work_area, 'work_area', NEW.updated_at); END;
CREATE TRIGGER conversation_hubs_call_taker AFTER INSERT ON phone_calls
BEGIN
  INSERT OR IGNORE INTO conversation_hubs
    SELECT NEW.conversation_id, substr(s.role, 5), 'call_taker', NEW.started_at FROM staff s
    WHERE s.id = NEW.staff_id AND s.role IN ('hub:east', 'hub:west', 'hub:south');
END;
CREATE TRIGGER conversation_hubs_handoff AFTER UPDATE OF accepted_by ON handoffs WHEN NEW.accepted_by IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO conversation_hubs
    SELECT NEW.conversation_id, substr(s.role, 5), 'handoff', COALESCE(NEW.accepted_at, NEW.updated_at) FROM staff s
    WHERE s.id = NEW.accepted_by AND s.role IN ('hub:east', 'hub:west', 'hub:south');
END;

-- What is already logged belongs where it would have, had the rule always been so.
INSERT OR IGNORE INTO conversation_hubs
  SELECT id, area, 'area', updated_at FROM conversations WHERE area IN ('east', 'west', 'south');
INSERT OR IGNORE INTO conversation_hubs
  SELECT h.conversation_id, h.area, 'area', h.requested_at FROM handoffs h WHERE h.area IN ('east', 'west', 'south');
INSERT OR IGNORE INTO conversation_hubs
  SELECT p.conversation_id, substr(s.role, 5), 'call_taker', p.started_at FROM phone_calls p JOIN staff s ON s.id = p.staff_id
  WHERE s.role IN ('hub:east', 'hub:west', 'hub:south');
INSERT OR IGNORE INTO conversation_hubs
  SELECT h.conversation_id, substr(s.role, 5), 'handoff', COALESCE(h.accepted_at, h.updated_at) FROM handoffs h JOIN staff s ON s.id = h.accepted_by
  WHERE s.role IN ('hub:east', 'hub:west', 'hub:south');
