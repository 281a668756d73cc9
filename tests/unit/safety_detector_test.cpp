// The safety detector's mechanics, on small rules written here: the pattern language, folding,
// word forms, typo tolerance, negation and ordinary phrases. The shipped rules are measured on
// the labelled corpus by `rightconv safety eval` (a CTest of its own).
#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "core/dialect_words.hpp"
#include "core/safety_corpus.hpp"
#include "core/safety_detector.hpp"
#include "core/safety_pattern.hpp"
#include "core/spelling_fixer.hpp"
#include "core/text_fold.hpp"
#include "core/yaml_tree.hpp"

using namespace rc;

namespace {

// A dictionary of a few real words, standing in for Hunspell.
class FewWords final : public KnownWords {
 public:
  explicit FewWords(std::set<std::string> words) : words_(std::move(words)) {}
  bool knows(std::string_view w) const override { return words_.count(std::string(w)) != 0; }

 private:
  std::set<std::string> words_;
};

SafetyDetectorRules rules_from(const std::string& yaml, Problems& problems) {
  auto root = parse_yaml(yaml);
  REQUIRE(root.ok());
  SafetyDetectorRules rules;
  parse_safety_detector(*root->find("safety_detector"), "rules.yaml", rules, problems);
  return rules;
}

std::shared_ptr<const SafetyDetector> detector_for(const std::string& patterns, const std::string& extra = "") {
  Problems problems;
  const std::string yaml = "safety_detector:\n"
                           "  spellings: {u: you, dont: do not}\n"
                           "  known_words: [vape]\n"
                           "  words:\n"
                           "    carer: [dad, mum, step dad]\n"
                           "  categories:\n"
                           "    - id: harm\n"
                           "      label: Harm\n"
                           "      patterns:\n" +
                           patterns + extra;
  auto rules = rules_from(yaml, problems);
  auto d = SafetyDetector::compile(rules, std::make_shared<FewWords>(std::set<std::string>{"cruised", "cruise", "child"}), problems);
  for (const auto& p : problems) MESSAGE(p.describe());
  REQUIRE(problems.empty());
  REQUIRE(d);
  return d;
}

bool raises(const SafetyDetector& d, const std::string& text) { return !d.detect(text).empty(); }

}  // namespace

TEST_CASE("folding lumps curly quotes and dashes - strips accents - folds case - and survives bytes that are not UTF-8") {
  CHECK(fold_text("Don\u2019t SHOUT \u2013 caf\u00e9\u00a0now") == "don't shout - cafe now");
  CHECK(fold_text(std::string("ok \xff\xfe bad")) == "ok    bad");
  auto words = split_words("he's here. she isn't! o'clock \xf0\x9f\x98\xa2 hurt");
  REQUIRE(words.size() == 6);
  CHECK(words[0].text == "he's");
  CHECK(words[2].text == "she");
  CHECK(words[2].after_break);
  CHECK(words[3].text == "isn't");
  CHECK(words[5].text == "hurt");  // an emoji is not part of a word
  auto marked = split_words("no bruises, dad 'ittin' him,'e");
  REQUIRE(marked.size() == 6);
  CHECK_FALSE(marked[1].after_comma);
  CHECK(marked[2].after_comma);             // "dad"
  CHECK(marked[3].apostrophe_before);       // "ittin"
  CHECK(marked[3].text == "ittin");
  CHECK_FALSE(marked[4].apostrophe_before); // "him": the apostrophe before it closes "'ittin'"
  CHECK(marked[5].after_comma);
  CHECK(marked[5].apostrophe_before);
}

TEST_CASE("a word matches all its forms - a prefix the starts of words - =word one exact form") {
  auto d = detector_for("        - \"bruise\"\n        - \"suicid*\"\n        - \"he was =kicked\"\n");
  for (const char* t : {"a bruise", "BRUISES", "bruised arm", "bruising", "suicidal", "suicide note", "he was kicked"}) {
    CAPTURE(t);
    CHECK(raises(*d, t));
  }
  for (const char* t : {"he was kicking off", "bruiser", "the cruise"}) {
    CAPTURE(t);
    CHECK_FALSE(raises(*d, t));
  }
}

TEST_CASE("lists - choices with several words - optional words and gaps - never across a sentence end") {
  auto d = detector_for("        - \"@carer ..2 (hits|hit) (him|her)\"\n        - \"(sit|sat) on [his|her] lap ... (won't let|will not let)\"\n");
  CHECK(raises(*d, "her step dad hits her"));
  CHECK(raises(*d, "mum really hits him"));
  CHECK_FALSE(raises(*d, "mum says that she often hits him"));  // three words is past ..2
  CHECK(raises(*d, "made to sit on his lap and he won't let go"));
  CHECK(raises(*d, "sat on lap, then will not let her"));
  CHECK_FALSE(raises(*d, "she sat on his lap. Nobody won't let her read"));  // a sentence ends between
}

// The one-word alternatives of a choice share one tail in the compiled expression (memory:
// the shipped rules compile to 40% less text), and still match as written: a word moves ahead
// of a phrase only when the phrase starts with another word, so which reading wins does not change.
TEST_CASE("a choice of words compiles to one shared tail - and keeps which reading wins") {
  const std::map<std::string, std::vector<std::string>> lists{{"carer", {"mum", "step dad", "dad", "nan"}}};
  const PatternWords words{&lists, [](std::string_view w) { return std::vector<std::string>{std::string(w)}; }, 4};
  auto compiled = compile_safety_pattern("(@carer|aunt|=kicked|uncle) hit", words);
  REQUIRE(compiled.ok());
  auto count = [&](std::string_view what) {
    std::size_t n = 0;
    for (auto at = compiled->regex.find(what); at != std::string::npos; at = compiled->regex.find(what, at + 1)) ++n;
    return n;
  };
  // mum, dad, nan and aunt as one choice, "step dad" after them, the exact word in its place,
  // then uncle, and the word after the choice.
  CHECK(compiled->regex.find("(?:mum|dad|nan|aunt)=[^ #]* |step=[^ #]* dad=[^ #]* |[^ #=]*=kicked |uncl=[^ #]* ") != std::string::npos);
  CHECK(count("=[^ #]* ") == 5);

  // A stem with a character RE2 must escape (a bar, from a spelling the rules file should not
  // have) is neither split on it nor moved (found by an outside review).
  const PatternWords odd{&lists, [](std::string_view w) { return std::vector<std::string>{w == "qq" ? "a|b" : std::string(w)}; }, 4};
  compiled = compile_safety_pattern("(b|qq|c) hit", odd);
  REQUIRE(compiled.ok());
  CHECK(compiled->regex.find("b=[^ #]* |a\\|b=[^ #]* |c=[^ #]* ") != std::string::npos);
  compiled = compile_safety_pattern("(b|qq) hit", odd);
  REQUIRE(compiled.ok());
  CHECK(compiled->regex.find("b=[^ #]* |a\\|b=[^ #]* ") != std::string::npos);

  // A word that a phrase listed before it starts with stays behind that phrase: the longer
  // reading still wins where both fit, and the evidence names both its words.
  auto d = detector_for("        - \"(step dad|step|mum) ... hit\"\n        - \"(gran|nan gran|nan) ... slapped\"\n");
  auto found = d->detect("her step dad hit her");
  REQUIRE(found.size() == 1);
  CHECK(found[0].words == std::vector<std::string>{"step", "dad", "hit"});
  found = d->detect("nan gran slapped him");
  REQUIRE(found.size() == 1);
  CHECK(found[0].words == std::vector<std::string>{"nan", "gran", "slapped"});
  CHECK(raises(*d, "her mum hit her"));
  CHECK(raises(*d, "her step hit her"));
  CHECK(raises(*d, "gran slapped him"));
}

// The rules match the word stream byte for byte (RE2 in Latin-1): a word in another script is
// the same bytes in the rule and the text, and a gap passes over it.
TEST_CASE("words in other scripts match as written and fill gaps") {
  auto d = detector_for("        - \"\xd0\xbd\xd0\xbe\xd0\xb6 ..2 hurt\"\n        - \"threatened ..2 knife\"\n");
  CHECK(raises(*d, "\xd0\xbd\xd0\xbe\xd0\xb6 used to hurt her"));       // нож ..2 hurt
  CHECK(raises(*d, "threatened with \xd0\xbd\xd0\xbe\xd0\xb6 knife"));         // a gap over a Cyrillic word
  CHECK(raises(*d, "threatened \xce\xbc\xce\xb5 \xcf\x84\xce\xbf knife"));  // two Greek words
  CHECK_FALSE(raises(*d, "\xd0\xbd\xd0\xbe\xd0\xb6\xd0\xb8 hurt"));          // another word that starts with its bytes
}

// A rule's expression is compiled the first time a text holds its words (memory, issue 18):
// several sessions may reach the same rule at once, and each must see it whole.
TEST_CASE("rules first reached from several threads at once read the same") {
  auto d = detector_for("        - \"@carer ..2 (hits|hit) (him|her)\"\n        - \"(sit|sat) on [his|her] lap ... (won't let|will not let)\"\n");
  const std::vector<std::string> texts{"her step dad hits her", "made to sit on his lap and he won't let go", "mum says that she often hits him"};
  std::vector<std::vector<std::size_t>> seen(8);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < seen.size(); ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round)
        for (const auto& text : texts) seen[t].push_back(d->detect(text).size());
    });
  for (auto& t : threads) t.join();
  for (const auto& s : seen) {
    REQUIRE(s.size() == 150);
    for (std::size_t i = 0; i < s.size(); i += 3) CHECK(std::vector<std::size_t>(s.begin() + static_cast<long>(i), s.begin() + static_cast<long>(i) + 3) == std::vector<std::size_t>{1, 1, 0});
  }
}

// Every rule's expression is compiled at load, though it is kept only from its first use: one
// too large for RE2's memory limit is a problem with its line, not a rule that never matches.
TEST_CASE("a rule too large to compile is a problem at load") {
  std::string huge = "hit";
  for (int i = 0; i < 10000; ++i) huge += " ..20 (him|her)";
  Problems problems;
  auto rules = rules_from("safety_detector:\n  categories:\n    - id: x\n      label: X\n      patterns:\n        - \"hit her\"\n        - \"" + huge + "\"\n", problems);
  REQUIRE(problems.empty());
  CHECK_FALSE(SafetyDetector::compile(rules, nullptr, problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].line == 7);
  CHECK(problems[0].describe().find("could not be compiled: pattern too large") != std::string::npos);
}

TEST_CASE("typos of five letters or more are read as the word they miss - unless the dictionary knows them") {
  auto d = detector_for("        - \"bruised\"\n        - \"suicid*\"\n        - \"raped\"\n");
  CHECK(raises(*d, "brusied arm"));    // letters swapped
  CHECK(raises(*d, "she is sucidal"));  // a letter missing from a prefix
  CHECK_FALSE(raises(*d, "we cruised along"));  // a real word, one letter from bruised
  CHECK_FALSE(raises(*d, "he vaped"));          // "vape" is a known word, not "rape"
  CHECK_FALSE(raises(*d, "brused"));            // too short a stem to guess at
  auto found = d->detect("brusied arm");
  REQUIRE(found.size() == 1);
  CHECK(found[0].words == std::vector<std::string>{"brusied"});  // the reviewer sees what was typed
}

TEST_CASE("contractions are opened and txt-speak read through the spellings") {
  auto d = detector_for("        - \"(will not|do not) let (you|her) go\"\n        - \"he is 26\"\n");
  CHECK(raises(*d, "he won't let her go"));
  CHECK(raises(*d, "dont let u go"));
  CHECK(raises(*d, "He\u2019s 26"));
  CHECK_FALSE(raises(*d, "Dad's 26"));  // a possessive is not "is"
}

TEST_CASE("negation in the manner of NegEx: before - after - pseudo - reach and ends") {
  const std::string negation =
      "  negation:\n"
      "    window: 4\n"
      "    before: [\"no\", \"not\", \"no concerns (about|of)\"]\n"
      "    after: [\"ruled out\"]\n"
      "    pseudo: [\"not sure\", \"no doubt\"]\n"
      "    ends: [but]\n";
  auto d = detector_for("        - \"neglect\"\n        - \"not safe at home\"\n        - \"mum ... drunk\"\n", negation);
  CHECK_FALSE(raises(*d, "no concerns about neglect"));
  CHECK_FALSE(raises(*d, "neglect was ruled out"));
  CHECK(raises(*d, "not sure if it is neglect"));      // uncertainty keeps the worry
  CHECK(raises(*d, "no doubt this is neglect"));
  CHECK(raises(*d, "no food, but neglect is likely"));  // "but" ends the reach
  CHECK(raises(*d, "no one said so at the time and it is neglect"));  // past the window
  CHECK(raises(*d, "she is not safe at home"));        // a negation that is part of the harm
  CHECK_FALSE(raises(*d, "mum is not drunk"));          // a negation in a gap still negates
  auto reading = d->read("no concerns about neglect");
  REQUIRE(reading.matches.size() == 1);
  CHECK(reading.matches[0].dropped_by.rfind("negation: no", 0) == 0);
}

TEST_CASE("a negation does not reach over a comma into a new clause - nor back over a comma") {
  const std::string negation =
      "  negation:\n"
      "    before: [\"no\", \"no concerns (about|with)\"]\n"
      "    after: [\"no concerns with (his|her) learning\", \"ruled out\"]\n"
      "    clause_starts: [he, dad]\n"
      "    ends: [but]\n";
  auto d = detector_for("        - \"(dad|he) (hit|hits|punched) him\"\n        - \"bruise\"\n        - \"mark\"\n", negation);
  CHECK(raises(*d, "no concerns about attendance, dad punched him in the face"));
  CHECK(raises(*d, "No concerns about attendance,he hits him"));              // no space after the comma
  CHECK_FALSE(raises(*d, "no concerns about bruises"));
  CHECK_FALSE(raises(*d, "no cuts, bruises or marks"));                      // a list goes on after a comma
  CHECK_FALSE(raises(*d, "no concerns about attendance dad hits him"));       // no comma: one clause
  CHECK(raises(*d, "dad hit him, no concerns with his learning though"));   // an `after` negation stops at the comma
  CHECK_FALSE(raises(*d, "the bruise was ruled out"));
}

TEST_CASE("dialect: a dropped h or g and t' are read as the standard word when the dictionary knows it") {
  Problems problems;
  auto rules = rules_from(
      "safety_detector:\n"
      "  spellings: {im: i am}\n"
      "  categories:\n"
      "    - id: harm\n"
      "      label: Harm\n"
      "      patterns:\n"
      "        - \"he (is|has) been hitting her\"\n"
      "        - \"(getting|get) knocked about by her\"\n"
      "        - \"nothing to eat\"\n"
      "        - \"raiding the bins\"\n"
      "        - \"hurt his head\"\n"
      "        - \"i am scared\"\n",
      problems);
  const std::set<std::string> words{"he", "her", "his", "had", "hit", "hitting", "getting", "raiding", "head", "hurt", "mum", "robin", "child"};
  auto d = SafetyDetector::compile(rules, std::make_shared<FewWords>(words), problems);
  REQUIRE(d);
  CHECK(raises(*d, "'e's been 'ittin' 'er again"));       // h and g dropped, an apostrophe for each
  CHECK(raises(*d, "she's gettin knocked about by 'er"));  // a dropped g needs no apostrophe
  CHECK(raises(*d, "there's nothing t'eat"));               // t' before a verb is "to"
  CHECK(raises(*d, "they're raidin t'bins"));               // and before anything else "the"
  CHECK(raises(*d, "'urt 'is 'ead"));
  CHECK(raises(*d, "im scared"));                           // a spelling still applies
  auto reading = d->read("she said 'mum hit robin'");     // a quote: known words are left alone
  CHECK(reading.words == std::vector<std::string>{"she", "said", "mum", "hit", "robin"});
  // Without a dictionary only the fixed short words and t' are read.
  auto bare = SafetyDetector::compile(rules, nullptr, problems);
  REQUIRE(bare);
  CHECK(raises(*bare, "nothing t'eat"));
  CHECK_FALSE(raises(*bare, "'e's been 'ittin' 'er"));
}

TEST_CASE("dialect: only a word after an apostrophe or ending in -in is looked up in the dictionary") {
  struct Counting final : KnownWords {
    mutable int asked = 0;
    bool knows(std::string_view w) const override {
      ++asked;
      return w == "getting" || w == "home";
    }
  };
  auto words = std::make_shared<Counting>();
  DialectReader reader(words);
  CHECK(reader.standard("bruise", false) == "bruise");
  CHECK(reader.standard("kids", false) == "kids");
  CHECK(words->asked == 0);  // the common case costs no lookup (Hunspell is behind a lock)
  CHECK(reader.standard("gettin", false) == "getting");
  CHECK(reader.standard("ome", true) == "home");
  CHECK(reader.standard("e's", true) == "he's");
  CHECK(reader.standard("t'kids", false) == "the kids");
  CHECK(words->asked > 0);
}

TEST_CASE("a match whose first word belongs to an ordinary phrase is dropped - one in its gaps is not") {
  auto d = detector_for("        - \"kick*\"\n        - \"says he fell\"\n",
                        "  not_harm:\n    - \"kick* off\"\n    - \"(bruise|black eye) ..6 fell\"\n");
  CHECK_FALSE(raises(*d, "he kicked off at break"));
  CHECK(raises(*d, "he kicked the baby"));
  CHECK(raises(*d, "a black eye and he says he fell"));
  auto reading = d->read("he kicked off");
  REQUIRE(reading.matches.size() == 1);
  CHECK(reading.matches[0].dropped_by == "ordinary phrase: kick* off");
}

TEST_CASE("a detection names its category - level - rule line and the words - one per category") {
  Problems problems;
  auto rules = rules_from(
      "safety_detector:\n"
      "  categories:\n"
      "    - id: neglect\n"
      "      label: Neglect\n"
      "      patterns: [\"no food\", \"left alone\"]\n"
      "    - id: danger\n"
      "      label: Danger now\n"
      "      level: immediate_danger\n"
      "      patterns:\n"
      "        - {pattern: \"knife\", level: immediate_danger}\n",
      problems);
  REQUIRE(problems.empty());
  auto d = SafetyDetector::compile(rules, nullptr, problems);
  REQUIRE(d);
  auto found = d->detect("no food in the house, left alone all day, and a knife");
  REQUIRE(found.size() == 2);
  CHECK(found[0].category == "neglect");
  CHECK(found[0].label == "Neglect");
  CHECK(found[0].level == "significant_harm");
  CHECK(found[0].words == std::vector<std::string>{"no", "food"});
  CHECK(found[0].line == 5);
  CHECK(found[1].category == "danger");
  CHECK(found[1].level == "immediate_danger");
  CHECK_FALSE(d->corrects_spelling());  // no dictionary, no guessing
}

TEST_CASE("bad rules are problems with the file and line of each pattern") {
  Problems problems;
  auto rules = rules_from(
      "safety_detector:\n"
      "  words: {adult: [man]}\n"
      "  categories:\n"
      "    - id: x\n"
      "      label: X\n"
      "      patterns:\n"
      "        - \"@nobody hits\"\n"
      "        - \"(a|)\"\n"
      "        - \"hit . her\"\n"
      "        - \"(hit her\"\n"
      "        - \"ab*\"\n"
      "        - \"..30 hit\"\n"
      "        - {pattern: \"hit\", level: loud}\n"
      "    - id: x\n"
      "      label: again\n"
      "      patterns: [\"y\"]\n",
      problems);
  auto d = SafetyDetector::compile(rules, nullptr, problems);
  CHECK_FALSE(d);
  std::string all;
  for (const auto& p : problems) all += p.describe() + "\n";
  for (const char* expected : {"rules.yaml:7: error: [safety_detector] pattern \"@nobody hits\": no word list called @nobody",
                               "rules.yaml:8: error: [safety_detector] pattern \"(a|)\": an empty alternative",
                               "rules.yaml:9: error: [safety_detector] pattern \"hit . her\": a stray '.'",
                               "rules.yaml:10: error: [safety_detector] pattern \"(hit her\": missing ')'",
                               "rules.yaml:11: error: [safety_detector] pattern \"ab*\": a prefix needs at least three letters",
                               "rules.yaml:12: error: [safety_detector] pattern \"..30 hit\": a gap must be ..1 to ..20",
                               "level must be immediate_danger or significant_harm, not \"loud\"", "category \"x\" is defined twice"}) {
    CAPTURE(expected);
    CHECK(all.find(expected) != std::string::npos);
  }
}

TEST_CASE("a spelling must stand for words - a bar or an equals sign would be read as the stream's syntax") {
  Problems problems;
  rules_from("safety_detector:\n  spellings: {qq: \"a|b\", qe: \"a=b\", u: you, dont: do not}\n  categories:\n    - id: x\n      label: X\n      patterns: [hit]\n", problems);
  std::string all;
  for (const auto& p : problems) all += p.describe() + "\n";
  CHECK(problems.size() == 2);
  CHECK(all.find("spellings: \"qq\" must stand for lower-case words (letters, digits, apostrophes, spaces), not \"a|b\"") != std::string::npos);
  CHECK(all.find("not \"a=b\"") != std::string::npos);
}

TEST_CASE("a long hostile text is read in one pass without trouble") {
  auto d = detector_for("        - \"@carer ..4 (hits|hit) ..4 (him|her)\"\n        - \"bruise\"\n");
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "dad dad dad hits hits ";
  CHECK_FALSE(raises(*d, text));
  CHECK(raises(*d, text + "her"));
  std::string quiet(40000, 'a');
  CHECK_FALSE(raises(*d, quiet));
}

TEST_CASE("edit distance counts swaps as one edit and gives up past its limit") {
  CHECK(edit_distance("bruised", "brusied", 1) == 1);
  CHECK(edit_distance("suicidal", "sucidal", 1) == 1);
  CHECK(edit_distance("neglect", "neglect", 1) == 0);
  CHECK(edit_distance("abcdef", "ghijkl", 1) == 2);
}

TEST_CASE("the corpus reader reports bad lines and the evaluation counts recall and false alarms") {
  auto d = detector_for("        - \"bruise\"\n");
  Problems problems;
  Problems rule_problems;
  auto rules = rules_from("safety_detector:\n  categories:\n    - {id: harm, label: Harm, patterns: [\"bruise\"]}\n", rule_problems);
  std::vector<CorpusLine> lines;
  parse_safety_corpus("# a comment\n\nharm | a bruise on her arm\nharm | he is fine\nok.sport | a bruise from rugby\nok.school | "
                      "homework\nnonsense | x\nno bar here\nok. | y\n",
                      "c.txt", rules, lines, problems);
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].describe() == "c.txt:7: error: unknown label \"nonsense\": a harm category of the detector, or ok.<kind>");
  CHECK(problems[1].describe() == "c.txt:8: error: expected `label | text`");
  CHECK(problems[2].line == 9);
  REQUIRE(lines.size() == 4);
  auto e = evaluate_safety_corpus(*d, lines);
  CHECK(e.harm_total == 2);
  CHECK(e.harm_alerted == 1);
  CHECK(e.recall() == doctest::Approx(0.5));
  CHECK(e.false_alarm_rate() == doctest::Approx(0.5));
  REQUIRE(e.misses.size() == 1);
  CHECK(e.misses[0].line->line == 4);
  REQUIRE(e.false_alarms.size() == 1);
  CHECK(e.false_alarms[0].detections[0].words == std::vector<std::string>{"bruise"});
  const std::string report = render_corpus_evaluation(e, true);
  CHECK(report.find("recall 0.500 (1 of 2 disclosures), false-alarm rate 0.500 (1 of 2 ordinary lines)") != std::string::npos);
  CHECK(report.find("c.txt:5 [ok.sport] a bruise from rugby") != std::string::npos);
}

TEST_CASE("a rule is tried from every place its first word occurs - and a pattern starting with a gap or an optional part still matches") {
  auto d = detector_for("        - \"hits (him|her)\"\n        - \"... locked in\"\n        - \"[@carer] burns her\"\n");
  // The first "hits" is not followed by him or her; the second is.
  auto found = d->detect("he hits the wall and then hits her when he is drunk");
  REQUIRE(found.size() == 1);
  CHECK(found[0].words == std::vector<std::string>{"hits", "her"});
  CHECK_FALSE(raises(*d, "he hits the wall and then hits the door"));
  // Unkeyed starts are searched through the sentence as before.
  CHECK(raises(*d, "she is locked in her room"));
  CHECK(raises(*d, "mum burns her with a lighter"));
  CHECK(raises(*d, "sometimes he burns her"));
  // Every occurrence is found, for the reviewer's evidence.
  auto reading = d->read("he hits her. then he hits him again");
  int raised = 0;
  for (const auto& m : reading.matches) raised += m.dropped_by.empty();
  CHECK(raised == 2);
}
