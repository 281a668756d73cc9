// See hub_relay.hpp.
#include "hub_relay.hpp"

#include <spdlog/spdlog.h>

#include "hub_events_store.hpp"
#include "presence_store.hpp"
#include "store/pg_db.hpp"

namespace rc::handoff {

using json = nlohmann::json;

HubRelay::HubRelay(store::GroupCommitWriter& writer, store::PostgresTarget target, HandoffHub& hub, std::string instance,
                   std::function<Millis()> now)
    : writer_(writer), target_(std::move(target)), hub_(hub), instance_(std::move(instance)), now_(std::move(now)) {
  target_.application_name = "rightconv-relay";  // so an operator can tell the listening connection apart
}

HubRelay::~HubRelay() { stop(); }

void HubRelay::start() {
  hub_.set_relay([this](const json& news, const std::string& conversation_id) { send(news, conversation_id); });
  hub_.set_presence_hook([this](const std::string& conversation_id, bool online) { note_presence(conversation_id, online); });
  thread_ = std::thread([this] { run(); });
}

void HubRelay::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Before the writer stops: nothing more is passed on (the hub reads its hooks under its lock,
  // so a session still closing sees the relay or nothing), and no one shows as connected here.
  hub_.set_relay(nullptr);
  hub_.set_presence_hook(nullptr);
  writer_.submit([instance = instance_](store::Db& db) { forget_presence_of(db, instance); }, [](const store::WriteResult&) {});
}

// Written with the next batch; NOTIFY is sent by PostgreSQL when that batch commits.
void HubRelay::send(const json& news, const std::string& conversation_id) {
  auto body = std::make_shared<std::string>(news.dump(-1, ' ', false, json::error_handler_t::replace));
  writer_.submit([body, conversation_id, instance = instance_](store::Db& db) { append_hub_event(db, instance, conversation_id, *body); },
      [this](const store::WriteResult& result) {
        if (!result.ok()) warn_throttled("handoff news could not be passed to the other instances", result.message);
      });
}

// The row is the other instances' view; this one's own comes from the hub. Two changes close
// together (a reload: the old tab leaves, the new one comes) may reach the writer in either
// order, so the row follows what the hub says when it is written, not the change that asked.
// A write lost here is put right by the next rescan (sync_presence).
void HubRelay::note_presence(const std::string& conversation_id, bool) {
  const Millis now = now_();
  writer_.submit(
      [this, conversation_id, now](store::Db& db) {
        if (hub_.practitioner_online(conversation_id)) note_present(db, conversation_id, instance_, now);
        else note_gone(db, conversation_id, instance_);
      },
      [this](const store::WriteResult& result) {
        if (!result.ok()) warn_throttled("could not record for other instances whether a practitioner is connected", result.message);
      });
}

// While the database is away every write fails: said once every few seconds with a count, not
// once per message.
void HubRelay::warn_throttled(const char* what, const std::string& why) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(warn_mutex_);
  ++unsaid_;
  if (now - last_warned_ < std::chrono::seconds(10)) return;
  spdlog::warn("{} ({} time(s) since the last warning): {}", what, unsaid_, why);
  unsaid_ = 0;
  last_warned_ = now;
}

bool HubRelay::sleep_unless_stopped(std::chrono::milliseconds pause) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, pause, [this] { return stopping_; });
}

bool HubRelay::connect() {
  auto connected = store::PgDb::connect(target_);
  if (!connected) {
    spdlog::warn("handoff news from other instances: cannot connect: {}", connected.error().message);
    return false;
  }
  db_ = std::move(connected.value());
  listen_for_hub_events(*db_);
  if (started_ms_ == 0) read_from_ = started_ms_ = database_now_ms(*db_);  // news from before this instance started is not news to it
  read_news();  // what came while it was not listening
  return true;
}

void HubRelay::run() {
  auto pause = std::chrono::milliseconds(250);
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    try {
      if (!db_ && !connect()) {
        if (!sleep_unless_stopped(pause)) return;
        pause = std::min(pause * 2, std::chrono::milliseconds(5000));
        continue;
      }
      pause = std::chrono::milliseconds(250);
      // A second at most between looks at the stop flag. An announcement names its row, so only
      // that row is read; the whole window is read again every few seconds in any case.
      const auto announced = db_->notifications(1000);
      if (std::chrono::steady_clock::now() - last_scan_ >= kRescanEvery) read_news();
      else if (!announced.empty()) read_announced(announced);
    } catch (const std::exception& e) {  // a database error, or a row it could not read: never end the thread
      spdlog::warn("handoff news from other instances: connection lost ({}); reconnecting", e.what());
      db_.reset();
      if (!sleep_unless_stopped(pause)) return;
    }
  }
}

// Every row of another instance within the late window not yet handed on, in order.
void HubRelay::read_news() {
  last_scan_ = std::chrono::steady_clock::now();
  hand_on(hub_events_since(*db_, read_from_, instance_));
  forget_old(database_now_ms(*db_));
  sync_presence(*db_, instance_, hub_.practitioners_online(), now_());
}

void HubRelay::read_announced(const std::vector<std::string>& ids) { hand_on(hub_events_by_id(*db_, ids, instance_)); }

void HubRelay::hand_on(std::vector<HubEventRow> rows) {
  for (auto& row : rows) {
    if (row.at < read_from_) continue;  // from before this instance listened, or already forgotten
    if (!seen_.emplace(row.id, row.at).second) continue;
    auto news = json::parse(row.body, nullptr, false);
    if (news.is_discarded()) continue;
    hub_.deliver(news);
    delivered_++;
  }
}

// Rows older than the late window are never read again: their ids need not be remembered, and
// old rows are deleted (any instance may; they are news for minutes only).
void HubRelay::forget_old(std::int64_t now_ms) {
  read_from_ = std::max(now_ms - kLateMs, started_ms_);
  std::erase_if(seen_, [&](const auto& e) { return e.second < read_from_; });
  if (now_ms - last_cleanup_ < 60'000) return;
  last_cleanup_ = now_ms;
  delete_hub_events_before(*db_, now_ms - kKeepMs);
}

}  // namespace rc::handoff
