// Every response case of Node's llhttp, as re-encoded in ../shared/corpora/llhttp
// (responses.json; see that folder's README), through the ResponseParser. The corpus is not
// part of the repository: the test reads the directory named by $LLHTTP_CORPUS (the BUILD
// file points it at /work/shared/corpora/llhttp) and skips, saying so, when it is absent.
//
// Semantics of the corpus: one request, the server sends raw_bytes and closes. A case is
// met when the first final response completes with the expected status and body (bytes
// after it may still be refused), or, for expect=error, when the parser fails before that.
// accept_error cases also pass with an error. Where the RFC leaves a choice and ours is the
// other one (rfc_allows), the case must be listed in kOurChoices with the reason; a case
// listed there that meets the primary expectation fails too, so the list stays true.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "protocols/http/response_parser.h"
#include "protocols/http/response_recorder.h"

namespace kit::http {
namespace {

// Cases where RFC 9112 allows both outcomes and this parser takes the one llhttp does not.
const std::map<std::string, std::string> kOurChoices = {
    {"sample-330", "LF-only line endings accepted (RFC 9112 2.2; http-client-cases.md)"},
    {"invalid-287", "LF-only line endings accepted (RFC 9112 2.2)"},
    {"invalid-327", "LF-only line endings accepted (RFC 9112 2.2)"},
};

std::string base64_decode(const std::string& in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const std::size_t index = kAlphabet.find(c);
    if (index == std::string::npos) continue;
    value = (value << 6) | static_cast<unsigned>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((value >> bits) & 0xff));
    }
  }
  return out;
}

struct Outcome {
  bool ok = false;  // the first final response completed
  int status = 0;
  std::string body;
  std::string error;  // the parser's error, when it failed before that
};

Outcome parse_case(const std::string& raw) {
  testing::ResponseRecorder recorder;
  ResponseParser parser(recorder);
  parser.expect_response("GET");
  parser.feed(raw);
  if (!parser.failed()) parser.feed_eof();
  Outcome outcome;
  if (!recorder.messages.empty() && recorder.messages.front().complete) {
    outcome.ok = true;
    outcome.status = recorder.messages.front().code;
    outcome.body = recorder.messages.front().body;
  } else if (recorder.error) {
    outcome.error = recorder.error->what();
  }
  return outcome;
}

// meets: whether `outcome` is the expectation `e` (an object with expect, status, body).
bool meets(const Outcome& outcome, const nlohmann::json& e) {
  if (e.at("expect") == "error") return !outcome.ok;
  if (!outcome.ok) return false;
  if (e.contains("status") && outcome.status != e.at("status").get<int>()) return false;
  if (e.contains("body") && outcome.body != base64_decode(e.at("body").get<std::string>())) {
    return false;
  }
  return true;
}

TEST(LlhttpCorpus, EveryResponseCaseHasTheOutcomeTheRfcAllows) {
  const char* dir = std::getenv("LLHTTP_CORPUS");
  if (dir == nullptr || !std::filesystem::exists(std::filesystem::path(dir) / "responses.json")) {
    GTEST_SKIP() << "no llhttp corpus: set LLHTTP_CORPUS to the directory holding "
                    "responses.json (../shared/corpora/llhttp)";
  }
  std::ifstream in(std::filesystem::path(dir) / "responses.json");
  const nlohmann::json corpus = nlohmann::json::parse(in);
  const nlohmann::json& cases = corpus.at("cases");
  ASSERT_FALSE(cases.empty());
  int chosen = 0;
  for (const nlohmann::json& c : cases) {
    const std::string id = c.at("id");
    SCOPED_TRACE(id + " (" + c.at("name").get<std::string>() + ")");
    const Outcome outcome = parse_case(base64_decode(c.at("raw_bytes")));
    const bool primary = meets(outcome, c) || (c.value("accept_error", false) && !outcome.ok);
    const auto listed = kOurChoices.find(id);
    if (listed != kOurChoices.end()) {
      EXPECT_FALSE(primary) << "listed in kOurChoices but meets the corpus' expectation";
      bool allowed = false;
      for (const nlohmann::json& alternative : c.value("rfc_allows", nlohmann::json::array())) {
        allowed = allowed || meets(outcome, alternative);
      }
      EXPECT_TRUE(allowed) << "our choice (" << listed->second
                           << ") is not one rfc_allows names; error: " << outcome.error;
      ++chosen;
      continue;
    }
    EXPECT_TRUE(primary) << "expected " << c.at("expect") << "; got "
                         << (outcome.ok
                                 ? "a response " + std::to_string(outcome.status) + " with " +
                                       std::to_string(outcome.body.size()) + " body bytes"
                                 : "error: " + outcome.error)
                         << "; note: " << c.value("rfc_note", "");
  }
  EXPECT_EQ(chosen, static_cast<int>(kOurChoices.size())) << "a listed case is gone";
  std::printf("llhttp corpus: %zu cases, %d decided by our documented choices\n", cases.size(),
              chosen);
}

}  // namespace
}  // namespace kit::http
