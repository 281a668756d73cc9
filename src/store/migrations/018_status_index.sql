-- conversations_by_status without updated_at. Every turn moves updated_at, so with it in the
-- index every turn deleted and re-inserted the conversation's index entry: about 5% of a turn's
-- work and a page more in each group commit (bench/README.md, issue 18). Nothing reads the index
-- in updated_at order: the review list sorts by start, and retention, which filters on both, runs
-- rarely and reads a status's rows either way.
DROP INDEX conversations_by_status;
CREATE INDEX conversations_by_status ON conversations (status);
