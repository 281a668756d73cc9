-- PostgreSQL form of ../018_status_index.sql. Here it also lets a turn's update be a HOT update
-- (no index names a column a turn changes): one that fits in its page leaves every index alone.
DROP INDEX conversations_by_status;
CREATE INDEX conversations_by_status ON conversations (status);
