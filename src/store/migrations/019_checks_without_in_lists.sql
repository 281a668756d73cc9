-- The CHECKs and trigger conditions a conversation meets on every start, area and status change,
-- written as comparisons instead of IN lists. SQLite evaluates a constant IN list of more than two
-- values by building a temporary b-tree of it, each time the statement runs: about six times per
-- conversation (the status CHECK on insert and on each status change, the area triggers' WHEN,
-- the hub and why CHECKs of the row a trigger adds), 8% of a turn's instructions (bench/README.md,
-- issue 18). Same rules, same values allowed.
--
-- The CHECKs are changed in place, SQLite's documented way to change a CHECK without rebuilding
-- the table (https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema
-- Changes"): the stored text is rewritten, nothing on disk changes, and every row already meets
-- the new text because it means the same. RESET reloads this connection's schema; the trigger
-- statements after it change the schema cookie, so every other connection reloads it too. The
-- migration test checks the new text is in place and still refuses what it refused.
PRAGMA writable_schema=ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (status IN (''active'', ''completed'', ''abandoned'', ''handed_off''))',
                     'CHECK (status = ''active'' OR status = ''completed'' OR status = ''abandoned'' OR status = ''handed_off'')')
 WHERE type = 'table' AND name = 'conversations';
UPDATE sqlite_schema
   SET sql = replace(replace(sql, 'CHECK (hub IN (''east'', ''west'', ''south''))',
                             'CHECK (hub = ''east'' OR hub = ''west'' OR hub = ''south'')'),
                     'CHECK (why IN (''area'', ''work_area'', ''call_taker'', ''handoff''))',
                     'CHECK (why = ''area'' OR why = ''work_area'' OR why = ''call_taker'' OR why = ''handoff'')')
 WHERE type = 'table' AND name = 'conversation_hubs';
PRAGMA writable_schema=RESET;
-- Fails the migration, which then changes nothing, if a text above was not found as written.
CREATE TEMP TABLE migration_019 (left_over INTEGER CONSTRAINT every_in_list_rewritten CHECK (left_over = 0));
INSERT INTO migration_019 SELECT count(*) FROM sqlite_schema
 WHERE name IN ('conversations', 'conversation_hubs') AND sql LIKE '% IN (%';
DROP TABLE migration_019;

-- Keep a DDL statement after RESET: it changes the schema cookie, which is what makes every
-- other connection reload the schema (RESET reloads only this one).

DROP TRIGGER conversation_hubs_area_new;
DROP TRIGGER conversation_hubs_area;
DROP TRIGGER conversation_hubs_work_area;
CREATE TRIGGER conversation_hubs_area_new AFTER INSERT ON conversations
  WHEN NEW.area = 'east' OR NEW.area = 'west' OR NEW.area = 'south'
BEGIN INSERT OR IGNORE INTO conversation_hubs VALUES (NEW.id, NEW.area, 'area', NEW.updated_at); END;
CREATE TRIGGER conversation_hubs_area AFTER UPDATE OF area ON conversations
  WHEN NEW.area = 'east' OR NEW.area = 'west' OR NEW.area = 'south'
BEGIN INSERT OR IGNORE INTO conversation_hubs VALUES (NEW.id, NEW.area, 'area', NEW.updated_at); END;
CREATE TRIGGER conversation_hubs_work_area AFTER UPDATE OF work_area ON conversations
  WHEN NEW.work_area = 'east' OR NEW.work_area = 'west' OR NEW.work_area = 'south'
BEGIN INSERT OR IGNORE INTO conversation_hubs VALUES (NEW.id, NEW.work_area, 'work_area', NEW.updated_at); END;
