// How long things are kept (UK GDPR: no longer than needed): the periods the retention purge
// applies, read from the config's "retention" section.
#pragma once

namespace rc {

struct Retention {
  int free_text_days = 30;
  int free_text_handed_off_days = 90;
  int abandoned_days = 7;
  int resume_token_hours = 24;
  int record_days = 6 * 365;  // the structured record: dialog version, path, outcome, area, channel, times
  int audit_days = 6 * 365;
};

}  // namespace rc
