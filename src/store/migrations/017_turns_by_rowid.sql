-- The turns as an ordinary rowid table, found by an index on (conversation, seq). As a WITHOUT
-- ROWID table every row sat in an index b-tree, where anything past about 1 KB spills to an
-- overflow page of its own: most shown frames did, so each turn wrote two or three pages
-- mostly empty, scattered across the tree by conversation. Rows are now appended where the
-- last one ended, holding up to a page in place, so a group commit of many turns writes a few
-- full pages (bench/README.md, issue 18).
CREATE TABLE turns_by_rowid (
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  seq             INTEGER NOT NULL,        -- 1, 2, 3... within the conversation
  at              INTEGER NOT NULL,
  node            TEXT,                    -- the node the message was about
  direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  message         TEXT NOT NULL            -- the message as JSON (out: an array of server messages)
);
INSERT INTO turns_by_rowid (conversation_id, seq, at, node, direction, message)
  SELECT conversation_id, seq, at, node, direction, message FROM turns ORDER BY conversation_id, seq;
DROP TABLE turns;
ALTER TABLE turns_by_rowid RENAME TO turns;
CREATE UNIQUE INDEX turns_by_conversation ON turns (conversation_id, seq);
