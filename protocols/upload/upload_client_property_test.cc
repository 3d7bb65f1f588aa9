// Properties of UploadClient over whole sessions, against a scripted server:
//  - any chunking of the server's answers, with any timing of the sources' work, gives
//    the same bytes sent and the same results as the answers delivered whole, and those
//    results are the model's (stored exactly when the server answered OK with the right
//    hash);
//  - a connection cut at any byte of the answers still ends the session (done fires),
//    with every file before the cut as the model says and none after it stored.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_client.h"
#include "protocols/upload/upload_client_session.h"
#include "testing/generators/chunking.h"
#include "testing/generators/chunking_gen.h"

namespace kit::upload {
namespace {

const std::string kNonce = "00112233445566778899aabbccddeeff";

// What the scripted server does with one file.
enum class Answer { stored, refused, mismatch, wrong_hash };

struct Script {
  std::vector<ClientFile> files;
  std::vector<Answer> answers;
  bool secret = false;
  std::string bytes;              // everything the server sends
  std::vector<std::size_t> ends;  // offset just past each file's last answer in `bytes`
};

rc::Gen<std::string> content() {
  return rc::gen::oneOf(
      rc::gen::arbitrary<std::string>(),
      rc::gen::element<std::string>("", "QUIT\r\n", "READY\r\nOK x\r\n", "\r\n\n"),
      rc::gen::map(rc::gen::inRange<std::size_t>(0, 3000),
                   [](std::size_t n) { return std::string(n, 'c'); }));
}

rc::Gen<Script> script() {
  return rc::gen::exec([] {
    Script s;
    s.secret = *rc::gen::arbitrary<bool>();
    s.bytes = "PKUP/1 " + kNonce + "\r\n";
    if (s.secret) s.bytes += "OK auth\r\n";
    const int n = *rc::gen::inRange(0, 5);
    for (int i = 0; i < n; ++i) {
      ClientFile f{"f" + std::to_string(i), *content()};
      const auto answer = static_cast<Answer>(*rc::gen::inRange(0, 4));
      switch (answer) {
        case Answer::stored:
          s.bytes += "READY\r\nOK " + sha256_hex(f.content) + "\r\n";
          break;
        case Answer::refused:
          s.bytes += "ERR 409 exists\r\n";
          break;
        case Answer::mismatch:
          s.bytes += "READY\r\nERR 422 checksum mismatch " + sha256_hex("?") + "\r\n";
          break;
        case Answer::wrong_hash:
          s.bytes += "READY\r\nOK " + sha256_hex(f.content + "!") + "\r\n";
          break;
      }
      s.ends.push_back(s.bytes.size());
      s.files.push_back(std::move(f));
      s.answers.push_back(answer);
    }
    s.bytes += "BYE\r\n";
    return s;
  });
}

UploadClientOptions options_for(const Script& s) {
  UploadClientOptions options;
  if (s.secret) options.secret = "k";
  options.chunk_size = 700;  // several chunks for the larger bodies
  return options;
}

// The bytes the client must send for `s`, answered in full.
std::string expected_output(const Script& s) {
  std::string out;
  if (s.secret) out += "AUTH " + std::string(64, '?') + "\r\n";  // compared apart
  for (std::size_t i = 0; i < s.files.size(); ++i) {
    const ClientFile& f = s.files[i];
    out += "PUT " + std::to_string(f.content.size()) + " " + sha256_hex(f.content) + " " +
           f.remote + "\r\n";
    if (s.answers[i] != Answer::refused) out += f.content;
  }
  return out + "QUIT\r\n";
}

// without_auth: `output` with the AUTH line's mac masked (its value is checked elsewhere).
std::string without_auth(std::string output) {
  if (output.rfind("AUTH ", 0) == 0 && output.size() >= 5 + 64) {
    output.replace(5, 64, std::string(64, '?'));
  }
  return output;
}

RC_GTEST_PROP(UploadClientProperty, AnyChunkingAndTimingGiveTheModelsResults, ()) {
  const Script s = *script();
  const auto chunks = *testing::gen::chunking(s.bytes);
  const auto pool_steps = *rc::gen::container<std::vector<std::size_t>>(
      chunks.size(), rc::gen::inRange<std::size_t>(0, 3));
  const UploadClientOptions options = options_for(s);

  const ClientSessionOutcome whole =
      run_client_session(s.files, options, testing::Chunking{s.bytes});
  const ClientSessionOutcome chunked = run_client_session(s.files, options, chunks, pool_steps);
  RC_ASSERT(chunked == whole);

  RC_ASSERT(whole.report.has_value());
  RC_ASSERT(!whole.report->connection_error.has_value());
  RC_ASSERT(whole.closed);
  RC_ASSERT(!whole.aborted);
  RC_ASSERT(without_auth(whole.output) == expected_output(s));
  RC_ASSERT(whole.largest_read <= options.chunk_size);
  for (std::size_t i = 0; i < s.files.size(); ++i) {
    const UploadResult& r = whole.report->files[i];
    RC_ASSERT(r.stored == (s.answers[i] == Answer::stored));
    RC_ASSERT(r.stored == r.error.empty());
    if (r.stored) RC_ASSERT(r.sha256 == sha256_hex(s.files[i].content));
  }
}

RC_GTEST_PROP(UploadClientProperty, ACutAtAnyByteEndsTheSessionWithTheModelsResults, ()) {
  const Script s = *script();
  const std::size_t at = *rc::gen::inRange<std::size_t>(0, s.bytes.size() + 1);
  const std::string prefix = s.bytes.substr(0, at);
  const auto chunks = *testing::gen::chunking(prefix);
  const ClientSessionOutcome cut = run_client_session(s.files, options_for(s), chunks, {}, true);
  RC_ASSERT(cut.report.has_value());
  RC_ASSERT(cut.closed);
  for (std::size_t i = 0; i < s.files.size(); ++i) {
    const UploadResult& r = cut.report->files[i];
    const bool answered = s.ends[i] <= at;
    RC_ASSERT(r.stored == (answered && s.answers[i] == Answer::stored));
    RC_ASSERT(r.stored == r.error.empty());
    if (!answered) RC_ASSERT(r.error.find("connection") != std::string::npos);
  }
}

}  // namespace
}  // namespace kit::upload
