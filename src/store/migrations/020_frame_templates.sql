-- The text of a frame that is the same in every conversation on one guidance set (a question,
-- an information step, the guidance and contacts of an outcome), kept once. A turn's logged
-- frame names its template and keeps only the conversation's own fields (the ref, an outcome's
-- summary): a completed conversation logged about 20 KB of frames, 14 KB of them its outcome,
-- most of that the same for every conversation reaching it (bench/README.md, issue 18). The
-- review puts each frame back together as it was sent (store/logged_frames.hpp). A template
-- holds no one's words, so retention never removes one; turns logged before this version keep
-- their frames whole.
CREATE TABLE frame_templates (
  id    TEXT PRIMARY KEY,                  -- SHA-256 of body, its first 32 hex digits
  body  TEXT NOT NULL                      -- the frame without the conversation's fields, as JSON
);
