// Typed answers at every question of the shipped early-help dialog, as practitioners write
// them: the right option, never a negated phrase ("I don't think it is significant harm") nor a
// question ("what counts as a child in need?") taken as an answer.
#include <doctest/doctest.h>

#include "core/answer_cues.hpp"
#include "core/text_fold.hpp"
#include "core/text_match.hpp"
#include "shipped.hpp"

using namespace rc;
using namespace rc::test;

namespace {

// `expect`: the option id taken, "!negated" or "!question" for a refusal with that reason, or
// "" for no option and no reason (nothing named, or two options named: asked again).
struct Case {
  const char* node;
  const char* typed;
  const char* expect;
};

const Case kCases[] = {
    // --- danger: yes | unsure | no
    {"danger", "yes", "yes"},
    {"danger", "Y", "yes"},
    {"danger", "yes they are", "yes"},
    {"danger", "Yes, a child is in immediate danger", "yes"},
    {"danger", "1", "yes"},
    {"danger", "not sure", "unsure"},
    {"danger", "I'm not sure", "unsure"},
    {"danger", "I don't know", "unsure"},
    {"danger", "honestly I dont know", "unsure"},
    {"danger", "I have no idea", "unsure"},
    {"danger", "maybe", "unsure"},
    {"danger", "No", "no"},
    {"danger", "no.", "no"},
    {"danger", "3", "no"},
    {"danger", "not danger", "!negated"},
    {"danger", "yes they are not safe", "!negated"},
    {"danger", "not right now", ""},
    {"danger", "there is no way to tell", ""},
    {"danger", "what counts as immediate danger?", "!question"},
    {"danger", "does a child left home alone count", "!question"},
    {"danger", "should I ring 999", "!question"},
    {"danger", "yes?", "!question"},
    {"danger", "how would I know", "!question"},

    // --- harm: yes | unsure | no
    {"harm", "yes", "yes"},
    {"harm", "Yes, I think so", "yes"},
    {"harm", "I think so", "yes"},
    {"harm", "it's significant harm", "yes"},
    {"harm", "I think it's a child in need", "yes"},
    {"harm", "could be significant harm", "yes"},
    {"harm", "significant harm I'd say", "yes"},
    {"harm", "I'm not sure", "unsure"},
    {"harm", "I really don't know", "unsure"},
    {"harm", "maybe", "unsure"},
    {"harm", "No", "no"},
    {"harm", "n", "no"},
    {"harm", "I don't think it is significant harm", "!negated"},
    {"harm", "not significant harm", "!negated"},
    {"harm", "it isn't a child in need", "!negated"},
    {"harm", "no, not significant harm", "!negated"},
    {"harm", "no significant harm", "!negated"},
    {"harm", "significant harm is not likely", "!negated"},
    {"harm", "never been a child in need", "!negated"},
    {"harm", "hardly significant harm", "!negated"},
    {"harm", "no longer a child in need", "!negated"},
    {"harm", "I wouldn't say significant harm", "!negated"},
    {"harm", "I doubt it's significant harm", "!negated"},
    {"harm", "I don't think so", "!negated"},
    {"harm", "it's not significant harm but they are a child in need", "!negated"},
    {"harm", "what counts as a child in need?", "!question"},
    {"harm", "what counts as significant harm", "!question"},
    {"harm", "is neglect significant harm?", "!question"},
    {"harm", "is it significant harm", "!question"},
    {"harm", "does emotional abuse count as significant harm", "!question"},
    {"harm", "can neglect be significant harm", "!question"},
    {"harm", "could it be a child in need", "!question"},
    {"harm", "should I ring Duty and Advice", "!question"},
    {"harm", "significant harm?", "!question"},
    {"harm", "significant harm? no", "!question"},
    {"harm", "I need to know what a child in need is", "!question"},
    {"harm", "ok so what is significant harm", "!question"},
    {"harm", "how do I know if it is significant harm", "!question"},
    {"harm", "whats a child in need", "!question"},
    {"harm", "who decides if it's significant harm", "!question"},
    {"harm", "I'm not sure what counts as a child in need", ""},
    {"harm", "I don't know, maybe significant harm", ""},
    {"harm", "Duty and Advice advised early help", "duty_and_advice_advised"},
    // Advice from anyone else, or not given yet, is not Duty and Advice's (found by an outside review).
    {"harm", "the GP advised early help", ""},
    {"harm", "police advised early help after the incident", ""},
    {"harm", "they advised early help last year but things have got worse", ""},
    {"harm", "duty and advice haven't advised early help yet", "!negated"},

    // --- lead_check: not_yet | harm | agreed_early_help | still_unsure | cannot_reach | i_am_lead | duty_and_advice_advised
    {"lead_check", "not yet", "not_yet"},
    {"lead_check", "No", "not_yet"},
    {"lead_check", "no, not yet", "not_yet"},
    {"lead_check", "Not yet, I'll try again this afternoon", "not_yet"},
    {"lead_check", "haven't", "not_yet"},
    {"lead_check", "we think it may be significant harm", "harm"},
    {"lead_check", "yes we think so", "harm"},
    {"lead_check", "a child in need", "harm"},
    {"lead_check", "neither", ""},  // "neither of them": nothing agreed with a lead
    {"lead_check", "the family needs help", ""},  // says nothing of a talk with the lead
    {"lead_check", "we agree it's early help", "agreed_early_help"},
    {"lead_check", "Yes: we agree it is neither, but the family needs help", "agreed_early_help"},  // 2.0's label
    {"lead_check", "Yes: we agreed it is neither significant harm nor a child in need, and the family needs help", "agreed_early_help"},
    {"lead_check", "I'm the DSL", "i_am_lead"},
    {"lead_check", "I am the safeguarding lead", "i_am_lead"},
    {"lead_check", "I'm the lead practitioner", ""},  // a Lead Practitioner is not the Safeguarding Lead
    {"lead_check", "Duty and Advice advised an early help assessment", "duty_and_advice_advised"},
    {"lead_check", "still not sure", "still_unsure"},
    {"lead_check", "we are still not sure", "still_unsure"},
    {"lead_check", "still unsure", "still_unsure"},
    {"lead_check", "I can't reach them", "cannot_reach"},
    {"lead_check", "cannot reach my lead", "cannot_reach"},
    {"lead_check", "worried", "cannot_reach"},
    {"lead_check", "no one available today", "cannot_reach"},
    {"lead_check", "the lead said to ring Duty and Advice", "harm"},
    {"lead_check", "we agreed early help, not duty and advice", "!negated"},
    {"lead_check", "we don't think it's significant harm", "!negated"},
    {"lead_check", "we don't think so", "!negated"},
    {"lead_check", "it's not a child in need", "!negated"},
    {"lead_check", "not early help", ""},  // "early help" alone names no option
    {"lead_check", "I don't think the family needs early help, it's significant harm", "!negated"},
    {"lead_check", "it is neither significant harm nor a child in need", "!negated"},
    {"lead_check", "I'm not worried", ""},
    {"lead_check", "still not sure, but early help may do", "still_unsure"},  // the safer reading: Duty and Advice
    {"lead_check", "what if we still disagree?", "!question"},
    {"lead_check", "is this early help", "!question"},
    {"lead_check", "does the family need early help", "!question"},
    {"lead_check", "who do I talk to if I can't reach them", "!question"},
    {"lead_check", "should we ring Duty and Advice", "!question"},

    // --- consent_talked: yes | not_yet
    {"consent_talked", "yes", "yes"},
    {"consent_talked", "yes we have talked", "yes"},
    {"consent_talked", "we have talked about it", "yes"},
    {"consent_talked", "talked", "yes"},
    {"consent_talked", "Not yet", "not_yet"},
    {"consent_talked", "no", "not_yet"},
    {"consent_talked", "no not yet", "not_yet"},
    {"consent_talked", "not asked yet", "not_yet"},
    {"consent_talked", "we have not talked", "!negated"},
    {"consent_talked", "we have talked but they don't want it", "!negated"},
    {"consent_talked", "do I need to ask them first?", "!question"},
    {"consent_talked", "what if they say no", "!question"},
    {"consent_talked", "does it have to be both parents", "!question"},

    // --- consent_answer: agree | parent_refuses | child_refuses | refused | not_engaging | undecided
    {"consent_answer", "they agree", "agree"},
    {"consent_answer", "yes they all agree", "agree"},
    {"consent_answer", "they agreed to it", "agree"},
    {"consent_answer", "consent", "agree"},
    {"consent_answer", "The child and the family agree", "agree"},
    {"consent_answer", "the parent does not agree", "parent_refuses"},
    {"consent_answer", "only the young person wants it", "parent_refuses"},
    {"consent_answer", "the child does not agree", "child_refuses"},
    {"consent_answer", "only mum agrees", ""},  // who refuses is not said: asked again
    {"consent_answer", "they don't want help", "refused"},
    {"consent_answer", "they do not want any help", "refused"},
    {"consent_answer", "no, they do not want it", "refused"},
    {"consent_answer", "declined", "refused"},
    {"consent_answer", "not engaging", "not_engaging"},
    {"consent_answer", "they say yes but keep not turning up", "not_engaging"},
    {"consent_answer", "they have not decided", "undecided"},
    {"consent_answer", "still thinking about it", "undecided"},
    {"consent_answer", "they don't agree", "!negated"},
    {"consent_answer", "not all agree", "!negated"},
    {"consent_answer", "I don't think they agree", "!negated"},
    {"consent_answer", "they haven't refused", "!negated"},
    {"consent_answer", "I wouldn't say they agreed", "!negated"},
    {"consent_answer", "they agreed but are not turning up", ""},
    {"consent_answer", "what if only one parent agrees?", "!question"},
    {"consent_answer", "do both parents have to agree", "!question"},
    {"consent_answer", "does the child have to consent", "!question"},

    // --- step_down: yes | unsure | no
    {"step_down", "yes", "yes"},
    {"step_down", "they are stepping down from social work", "yes"},
    {"step_down", "not sure", "unsure"},
    {"step_down", "dont know", "unsure"},
    {"step_down", "No", "no"},
    {"step_down", "not stepping down", "!negated"},
    {"step_down", "they aren't stepping down", "!negated"},
    {"step_down", "no, not closing", "!negated"},
    {"step_down", "what counts as stepping down?", "!question"},
    {"step_down", "does early help count as specialist care", "!question"},

    // --- needs: universal | single | multi | parent | unsure
    {"needs", "open to everyone", "universal"},
    {"needs", "information", "universal"},
    {"needs", "single agency", "single"},
    {"needs", "my agency can do it", "single"},
    {"needs", "support from my own agency", "single"},
    {"needs", "multi agency", "multi"},
    {"needs", "more than one agency", "multi"},
    {"needs", "several agencies", "multi"},
    {"needs", "I work with the parent", "parent"},
    {"needs", "adult services", "parent"},
    {"needs", "not sure", "unsure"},
    {"needs", "not my agency", "!negated"},
    {"needs", "my agency can't do it", "!negated"},
    {"needs", "no more than one", "!negated"},
    {"needs", "I don't work with the parent", "!negated"},
    {"needs", "nothing my agency can give", "!negated"},
    {"needs", "not sure, maybe more than one", ""},
    {"needs", "what counts as universal?", "!question"},
    {"needs", "which agency should do it", "!question"},
    {"needs", "does a school nurse count as my agency", "!question"},

    // --- mosaic: yes | no | unsure (whose own phrases include a question)
    {"mosaic", "yes", "yes"},
    {"mosaic", "Yes, I use Mosaic", "yes"},
    {"mosaic", "No", "no"},
    {"mosaic", "not sure", "unsure"},
    {"mosaic", "what is mosaic", "unsure"},
    {"mosaic", "what's Mosaic?", "unsure"},
    {"mosaic", "sorry, what's mosaic?", "unsure"},
    {"mosaic", "I don't know what Mosaic is", "unsure"},
    {"mosaic", "do I need Mosaic access?", "!question"},
    {"mosaic", "how do I get Mosaic", "!question"},

    // --- area: east | west | south | unknown
    {"area", "east", "east"},
    {"area", "East Leeds", "east"},
    {"area", "east leeds please", "east"},
    {"area", "LS9, east leeds", "east"},
    {"area", "north leeds", "unknown"},
    {"area", "I don't know", "unknown"},
    {"area", "not sure", "unknown"},
    {"area", "4", "unknown"},
    {"area", "not east leeds", "!negated"},
    {"area", "not east", "!negated"},
    {"area", "not in west leeds", "!negated"},
    {"area", "it isn't south leeds", "!negated"},
    {"area", "which hub covers LS14?", "!question"},
    {"area", "is Seacroft east leeds", "!question"},
    {"area", "what area is Armley in", "!question"},
    {"area", "east?", "!question"},

    // --- advice_check (and advice_check_disclosure): yes | something_new | unsure
    {"advice_check", "yes they knew all of it", "yes"},
    {"advice_check", "nothing new", "yes"},
    {"advice_check", "something new has happened", "something_new"},
    {"advice_check", "no", "something_new"},
    {"advice_check", "things have got worse since", "something_new"},
    {"advice_check", "not sure", "unsure"},
    {"advice_check", "they didn't know all of it", "something_new"},
    {"advice_check", "I don't think they knew everything", "!negated"},
    {"advice_check", "they never knew all of it", "!negated"},
    {"advice_check", "what counts as something new?", "!question"},
    {"advice_check", "do they need to know everything", "!question"},
    {"advice_check_disclosure", "yes they knew all of it", "yes"},
    {"advice_check_disclosure", "nothing has changed", "yes"},
    {"advice_check_disclosure", "they did not hear all of it", "something_new"},
    {"advice_check_disclosure", "don't know", "unsure"},
    {"advice_check_disclosure", "they don't know everything", "unsure"},  // "don't know": the safer reading
    {"advice_check_disclosure", "I didn't say they knew all of it", "!negated"},
    {"advice_check_disclosure", "it is not true that nothing new has happened", "!negated"},
    {"advice_check_disclosure", "what if something new happened?", "!question"},
    {"advice_check_disclosure", "is this something new", "!question"},

    // --- disclosure_check: not_yet | harm | still_unsure | cannot_reach | agreed_early_help | duty_and_advice_advised
    {"disclosure_check", "not yet", "not_yet"},
    {"disclosure_check", "no", "not_yet"},
    {"disclosure_check", "no, not yet", "not_yet"},
    {"disclosure_check", "we think it is significant harm", "harm"},
    {"disclosure_check", "still not sure", "still_unsure"},
    {"disclosure_check", "I can't reach them", "cannot_reach"},
    {"disclosure_check", "we agreed early help is right", "agreed_early_help"},
    {"disclosure_check", "Yes: we agreed it is neither significant harm nor a child in need, and the family needs early help", "agreed_early_help"},
    {"disclosure_check", "Duty and Advice said early help", "duty_and_advice_advised"},
    {"disclosure_check", "the school nurse advised early help", ""},
    {"disclosure_check", "they advised early help before he told me this", ""},
    {"disclosure_check", "duty and advice advised an early help assessment", "duty_and_advice_advised"},
    {"disclosure_check", "duty and advice, or early help?", "!question"},
    {"disclosure_check", "we agreed it is not significant harm and the family needs early help", "!negated"},
    {"disclosure_check", "we agreed to ring Duty and Advice", "harm"},
    {"disclosure_check", "yes we agreed, ringing duty and advice now", "harm"},
    {"disclosure_check", "we agreed", ""},
    {"disclosure_check", "we agreed on early help", "agreed_early_help"},
    {"disclosure_check", "we agreed early help but I will ring duty and advice too", ""},
    {"disclosure_check", "we haven't agreed", ""},
    {"disclosure_check", "we never agreed early help", "!negated"},
    {"disclosure_check", "it's not significant harm", "!negated"},
    {"disclosure_check", "what if we disagree?", "!question"},
    {"disclosure_check", "do I have to tell Duty and Advice", "!question"},
    {"disclosure_check", "is this significant harm?", "!question"},
};

std::string outcome_of(const TypedMatch& m) {
  if (m.option) return m.option->id;
  switch (m.refused) {
    case MatchRefusal::negated: return "!negated";
    case MatchRefusal::question: return "!question";
    case MatchRefusal::none: break;
  }
  return "";
}

}  // namespace

TEST_CASE("typed answers at every early-help question: the right option, never a negated phrase or a question") {
  for (const auto& c : kCases) {
    const std::string node = c.node, typed = c.typed;
    CAPTURE(node);
    CAPTURE(typed);
    const Node* n = early_help().find(c.node);
    REQUIRE(n);
    REQUIRE(n->kind == NodeKind::question);
    CHECK(outcome_of(match_typed(*n, c.typed)) == std::string(c.expect));
  }
}

TEST_CASE("the table covers every question of the early-help dialog, each with right answers, negations and questions") {
  for (const auto& n : early_help().nodes) {
    if (n.kind != NodeKind::question) continue;
    CAPTURE(n.id);
    int right = 0, negated = 0, asked = 0;
    for (const auto& c : kCases) {
      if (n.id != c.node) continue;
      const std::string expect = c.expect;
      right += !expect.empty() && expect[0] != '!';
      negated += expect == "!negated";
      asked += expect == "!question";
    }
    CHECK(right >= 3);
    CHECK(asked >= 2);
    if (n.id != "mosaic") CHECK(negated >= 2);  // its only words a "not" could turn round are "yes" and "no"
  }
}

TEST_CASE("an option whose own words say no or not sure still matches when typed as such") {
  // Every phrase of every option, typed alone, takes that option: "No", "not sure", "I don't know",
  // "not yet", "do not want", "what is mosaic".
  for (const auto& n : early_help().nodes) {
    if (n.kind != NodeKind::question) continue;
    for (std::size_t i = 0; i < n.options.size(); ++i)
      for (const auto& phrase : phrases_for(n.options[i], i + 1)) {
        CAPTURE(n.id);
        CAPTURE(phrase);
        const TypedMatch m = match_typed(n, phrase);
        REQUIRE(m.option);
        CHECK(m.option->id == n.options[i].id);
      }
  }
}

TEST_CASE("what reads as a question, and what is a statement cut short") {
  auto asks = [](const std::string& typed) {
    std::vector<std::string> words;
    std::string w;
    for (char c : normalise(typed) + " ")
      if (c == ' ') {
        if (!w.empty()) words.push_back(w);
        w.clear();
      } else {
        w += c;
      }
    return reads_as_question(fold_text(typed), words);
  };
  for (const char* q : {"is it significant harm", "does neglect count", "should I ring them", "where do I send it", "have they agreed",
                        "so what now", "could it be neglect", "why", "shall I", "anything else\u003F", "full width\uFF1F"}) {
    CAPTURE(q);
    CHECK(asks(q));
  }
  for (const char* s : {"dont know", "do not want help", "does not agree", "are not taking part", "could be", "would say so",
                        "could do with help", "had a chat with mum", "are happy with it", "when I asked, they agreed", "am worried",
                        "can't reach them", "yes", ""}) {
    CAPTURE(s);
    CHECK_FALSE(asks(s));
  }
}
