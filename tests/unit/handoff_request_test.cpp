// The pure parts of a handoff: facts, the route chosen, the contacts a practitioner gets, the
// thin payload connectors see, and the outbox's backoff.
#include <doctest/doctest.h>

#include "handoff/handoff_request.hpp"
#include "handoff/outbox_store.hpp"
#include "shipped.hpp"

using namespace rc;
using namespace rc::test;

namespace {

const std::vector<std::string> kEast{"no", "no", "yes", "agree", "no", "multi", "text:Needs help with routines", "east"};

}  // namespace

TEST_CASE("handoff facts come from the answers - urgency from the safety terms") {
  auto step = walk(early_help(), shipped().content, kEast);
  auto f = handoff_facts(early_help(), shipped().content, step.state, "web", "");
  CHECK(f.outcome == std::optional<std::string>("hub_request_east"));
  CHECK(f.area == std::optional<std::string>("east"));
  // The title as the practitioner saw it: its contact detail filled in from content/.
  CHECK(f.outcome_title == std::optional<std::string>("Early Help Assessment, then a request to the East Early Help Hub: eastearlyhelp@leeds.gov.uk"));
  CHECK_FALSE(f.urgent);
  CHECK(handoff_facts(early_help(), shipped().content, step.state, "web", "his dad hit him").urgent);
  auto mid = walk(early_help(), shipped().content, {"no"});
  auto m = handoff_facts(early_help(), shipped().content, mid.state, "web", "");
  CHECK_FALSE(m.outcome);
  CHECK_FALSE(m.area);
}

TEST_CASE("the first matching route wins - urgent beats the area - no catch-all means no route") {
  HandoffConfig config;
  HandoffFacts f;
  f.area = "east";
  CHECK(choose_route(config, f)->name == "east");
  f.urgent = true;
  CHECK(choose_route(config, f)->name == "urgent");
  f = {};
  f.outcome = "duty_and_advice";
  CHECK(choose_route(config, f)->name == "duty_and_advice");
  f = {};
  CHECK(choose_route(config, f)->name == "any");
  config.routes.pop_back();
  CHECK(choose_route(config, f) == nullptr);
}

TEST_CASE("route contacts show only checked details and skip a contact with nothing to show") {
  auto contacts = route_contacts(shipped().content, {"hub_east", "hub_south", "no_such_contact", "duty_and_advice"});
  REQUIRE(contacts.size() == 3);
  CHECK(contacts[0].id == "hub_east");
  CHECK(contacts[0].phone.empty());  // the misprinted East number is withheld
  CHECK(contacts[0].email == "eastearlyhelp@leeds.gov.uk");
  CHECK(contacts[1].id == "hub_south");
  CHECK(contacts[1].email.empty());  // the doubtful South address is withheld
  CHECK(contacts[2].phone == "0113 376 0336");
}

TEST_CASE("the requested payload leaves out free text unless the connector takes it") {
  auto step = walk(early_help(), shipped().content, kEast);
  auto f = handoff_facts(early_help(), shipped().content, step.state, "web", "call me");
  auto without = requested_data(early_help(), shipped().content, step.state, f, "call me", false, "EH-7KQ2-M9XD", 1000);
  CHECK(without.dump().find("routines") == std::string::npos);
  // The conversation's readable reference, as its summary names it: what the practitioner reads out.
  CHECK(without["conversation_reference"] == "EH-7KQ2-M9XD");
  CHECK(without["summary_text"].get<std::string>().find("\nReference: EH-7KQ2-M9XD\n") != std::string::npos);
  CHECK(without.dump().find("call me") == std::string::npos);
  CHECK(without["outcome"] == "hub_request_east");
  CHECK(without["summary_text"].get<std::string>().find("East") != std::string::npos);
  auto with = requested_data(early_help(), shipped().content, step.state, f, "call me", true, "c1", 1000);
  CHECK(with["reason"] == "call me");
  CHECK(with.dump().find("routines") != std::string::npos);
  auto p = event_payload("requested", "evt_1", "HO-AAAA-BBBB", "c1", "east", "east", 0, with);
  CHECK(p["type"] == "handoff.requested");
  CHECK(p["at"] == "1970-01-01T00:00:00Z");
}

TEST_CASE("outbox backoff doubles up to the cap with jitter never below half - Retry-After wins") {
  handoff::RetryPolicy p{2, 60, 3600};
  CHECK(handoff::backoff_seconds(p, 1, std::nullopt, 1.0) == doctest::Approx(2));
  CHECK(handoff::backoff_seconds(p, 3, std::nullopt, 1.0) == doctest::Approx(8));
  CHECK(handoff::backoff_seconds(p, 3, std::nullopt, 0.0) == doctest::Approx(4));
  CHECK(handoff::backoff_seconds(p, 20, std::nullopt, 1.0) == doctest::Approx(60));
  CHECK(handoff::backoff_seconds(p, 1, 30, 0.5) == doctest::Approx(30));
  CHECK(handoff::backoff_seconds(p, 1, 600, 0.5) == doctest::Approx(60));
}

#include <filesystem>
#include <unistd.h>

#include "store/sqlite_db.hpp"

TEST_CASE("a due event is claimed by one worker only, and comes back after the lease if its worker dies") {
  const std::string path = (std::filesystem::temp_directory_path() / ("claim-" + std::to_string(::getpid()) + ".db")).string();
  {
    store::SqliteDb db(path, false, 1000);
    store::migrate(db);
    db.exec("INSERT INTO outbox (event_id, connector, conversation_id, reference, kind, payload, created_at, next_attempt_at, window_start) "
            "VALUES ('ev-1', 'crm', 'c-1', 'HO-1', 'requested', '{}', 100, 100, 100)");
    // Two workers read the same due list...
    auto first = handoff::due_events(db, 200, 10);
    auto second = handoff::due_events(db, 200, 10);
    REQUIRE(first.size() == 1);
    REQUIRE(second.size() == 1);
    // ...but only one of them may send it.
    CHECK(handoff::claim_event(db, first[0], 200, 200 + 60'000, "worker-a"));
    CHECK_FALSE(handoff::claim_event(db, second[0], 201, 201 + 60'000, "worker-b"));
    CHECK(handoff::due_events(db, 201, 10).empty());  // held while it is being sent
    // Its worker died mid-send: after the lease it is due again, and claimable once more.
    auto again = handoff::due_events(db, 200 + 60'000, 10);
    REQUIRE(again.size() == 1);
    CHECK(handoff::claim_event(db, again[0], 200 + 60'000, 200 + 120'000, "worker-b"));
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

TEST_CASE("a claim left by a dead process is released at start, a live one's own claim is not, and a result clears the claim") {
  const std::string path = (std::filesystem::temp_directory_path() / ("release-" + std::to_string(::getpid()) + ".db")).string();
  {
    store::SqliteDb db(path, false, 1000);
    store::migrate(db);
    for (const char* id : {"ev-1", "ev-2", "ev-3"})
      db.exec(std::string("INSERT INTO outbox (event_id, connector, conversation_id, reference, kind, payload, created_at, next_attempt_at, window_start) "
                          "VALUES ('") + id + "', 'crm', 'c-" + id + "', 'HO-1', 'requested', '{}', 100, 100, 100)");
    auto due = handoff::due_events(db, 200, 10);
    REQUIRE(due.size() == 3);
    CHECK(handoff::claim_event(db, due[0], 200, 200 + 300'000, "dead"));
    CHECK(handoff::claim_event(db, due[1], 200, 200 + 300'000, "me"));
    CHECK(handoff::claim_event(db, due[2], 200, 200 + 300'000, "dead"));
    // The third was answered before its process died: no claim is left on it.
    handoff::record_attempt(db, due[2], {handoff::DeliveryStatus::retry, "503", std::nullopt}, handoff::RetryPolicy{1, 1, 3600}, 300, 0.0);
    CHECK(handoff::due_events(db, 1000, 10).size() == 1);
    CHECK(handoff::release_dead_claims(db, "me", 1000) == 1);
    auto now_due = handoff::due_events(db, 1000, 10);
    REQUIRE(now_due.size() == 2);
    CHECK(now_due[0].event.event_id == "ev-3");  // due since 800
    CHECK(now_due[1].event.event_id == "ev-1");  // released: due now
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}
