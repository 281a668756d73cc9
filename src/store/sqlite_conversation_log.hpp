// ConversationLog on SQLite, through the group commit writer.
#pragma once
#include "conversation_log.hpp"
#include "group_commit_writer.hpp"

namespace rc::store {

class SqliteConversationLog : public ConversationLog {
 public:
  explicit SqliteConversationLog(GroupCommitWriter& writer) : writer_(writer) {}

  void write(Record record, Done done) override;
  void load(const std::string& conversation_id, Loaded done) override;
  void remember_dialog(const std::string& dialog_id, const std::string& version, const std::string& declared,
                       const std::string& source_text, std::int64_t now, Done done) override;
  std::size_t queue_depth() const override { return writer_.queue_depth(); }

  // Applies a record on a connection the caller owns (used by the writer's jobs).
  static void apply(Db& db, const Record& record);
  // A conversation reference no conversation has, for a start written in this transaction (the
  // writer holds the database, so it cannot be taken before the insert).
  static std::string unused_reference(Db& db);

 private:
  GroupCommitWriter& writer_;
};

}  // namespace rc::store
