// See SessionRegistry in server_context.hpp.
#include "chat_session.hpp"
#include "server_context.hpp"
#include "store/group_commit_writer.hpp"

namespace rc {

void SessionRegistry::add(const std::shared_ptr<ChatSession>& s) {
  std::lock_guard lock(mutex_);
  sessions_[s.get()] = s;
}

void SessionRegistry::remove(const ChatSession* s) {
  std::lock_guard lock(mutex_);
  sessions_.erase(s);
}

std::vector<std::shared_ptr<ChatSession>> SessionRegistry::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<ChatSession>> out;
  for (const auto& [k, w] : sessions_)
    if (auto s = w.lock()) out.push_back(std::move(s));
  return out;
}

void note_failed_sign_in(ServerContext& ctx, const std::string& address, const std::string& via) {
  if (auto audit = ctx.sign_ins.failed(address, via, ctx.now()))
    ctx.writer.submit([e = *audit](store::Db& db) { staff::append_audit(db, e); }, nullptr);
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace rc
