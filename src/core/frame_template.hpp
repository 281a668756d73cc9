// A frame's text that is the same in every conversation on one guidance set (a question, an
// information step, an outcome's guidance and contacts), logged once under its id: a turn's
// logged frame names it and keeps only the conversation's own fields (issue 18: a completed
// conversation logged 20 KB of frames, 14 KB of them one outcome, most of it the same each time).
#pragma once
#include <string>

namespace rc {

struct FrameTemplate {
  std::string id;    // the body's SHA-256, its first 32 hex digits: the same text has the same id on any server
  std::string body;  // the frame without the conversation's own fields, as JSON text
};

}  // namespace rc
