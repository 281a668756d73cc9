-- PostgreSQL form of ../020_frame_templates.sql (see there for why): the same table.
CREATE TABLE frame_templates (
  id    TEXT PRIMARY KEY,                  -- SHA-256 of body, its first 32 hex digits
  body  TEXT NOT NULL                      -- the frame without the conversation's fields, as JSON
);
