// Properties of UploadServer over whole sessions:
//  - any chunking of a session's input, with any timing of the store's work, gives the
//    same answers and leaves the same files as the input delivered whole;
//  - a connection cut at any byte leaves every final path either as it was or holding a
//    body that arrived whole and matched its hash, never a partial file, and no
//    temporary behind.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "protocols/upload/memory_upload_store.h"
#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_server.h"
#include "protocols/upload/upload_session.h"
#include "testing/generators/chunking.h"
#include "testing/generators/chunking_gen.h"

namespace kit::upload {
namespace {

const std::vector<std::string> kPaths = {"a", "b", "d/c", "d/e f"};
const std::map<std::string, std::string> kInitial = {{"a", "old a"}, {"d/c", "old c"}};

// A client's session: the bytes it sends, and each PUT whose body it sends whole.
struct Session {
  std::string input;
  struct Put {
    std::string path;
    std::string content;
    std::size_t body_end;  // offset just past the body in `input`
    bool hash_matches;
  };
  std::vector<Put> puts;
};

rc::Gen<std::string> content() {
  // Bodies that look like commands, with CR and LF, as well as arbitrary bytes.
  return rc::gen::oneOf(
      rc::gen::arbitrary<std::string>(),
      rc::gen::element<std::string>("QUIT\r\n", "PUT 1 x y\n", "\r\n\n", "", "STAT a\nBYE\r\n"));
}

rc::Gen<Session> session() {
  return rc::gen::exec([] {
    Session s;
    const int commands = *rc::gen::inRange(0, 8);
    for (int i = 0; i < commands; ++i) {
      const std::string path = *rc::gen::elementOf(kPaths);
      switch (*rc::gen::inRange(0, 6)) {
        case 0:
        case 1: {  // a PUT, its hash right or wrong, and its body
          const std::string body = *content();
          const bool matches = *rc::gen::arbitrary<bool>();
          const std::string hash = sha256_hex(matches ? body : body + "!");
          s.input += "PUT " + std::to_string(body.size()) + " " + hash + " " + path +
                     (*rc::gen::arbitrary<bool>() ? "\r\n" : "\n");
          s.input += body;
          s.puts.push_back({path, body, s.input.size(), matches});
          break;
        }
        case 2:
          s.input += "STAT " + path + "\n";
          break;
        case 3:
          s.input += "AUTH x\r\n";
          break;
        case 4:
          s.input += "PUT 3 " + sha256_hex("abc") + " ../" + path + "\n";  // refused: no body
          break;
        default:
          s.input += "NOOP " + path + "\n";
          break;
      }
    }
    if (*rc::gen::arbitrary<bool>()) s.input += "QUIT\n";
    return s;
  });
}

void fill_initial(MemoryUploadStore& store) {
  for (const auto& [path, content] : kInitial) store.put(path, content);
}

RC_GTEST_PROP(UploadServerProperty, AnyChunkingAndStoreTimingGiveTheSameAnswers, ()) {
  const Session s = *session();
  RC_CLASSIFY(!s.puts.empty(), "with a body");
  const testing::Chunking chunks = *testing::gen::chunking(s.input);
  const auto steps = *rc::gen::container<std::vector<std::size_t>>(
      chunks.size(), rc::gen::inRange<std::size_t>(0, 3));
  UploadServerOptions options;
  options.overwrite = *rc::gen::arbitrary<bool>();
  MemoryUploadStore whole_store;
  fill_initial(whole_store);
  const SessionOutcome whole =
      run_session(whole_store, options, testing::Chunking{s.input}, {}, false);
  MemoryUploadStore chunked_store;
  fill_initial(chunked_store);
  const SessionOutcome chunked = run_session(chunked_store, options, chunks, steps, false);
  RC_ASSERT(chunked.output == whole.output);
  RC_ASSERT(chunked.closed == whole.closed);
  RC_ASSERT(chunked.files == whole.files);
  RC_ASSERT(chunked.temporaries == whole.temporaries);
}

RC_GTEST_PROP(UploadServerProperty, ACutAtAnyByteLeavesNoPartialFile, ()) {
  const Session s = *session();
  const std::size_t cut = *rc::gen::inRange<std::size_t>(0, s.input.size() + 1);
  const std::string sent = s.input.substr(0, cut);
  const testing::Chunking chunks =
      sent.empty() ? testing::Chunking{} : *testing::gen::chunking(sent);
  MemoryUploadStore store;
  fill_initial(store);
  const SessionOutcome outcome = run_session(store, {}, chunks, {}, /*cut=*/true);
  RC_ASSERT(outcome.temporaries == 0u);
  RC_ASSERT(outcome.closed);
  for (const auto& [path, content] : outcome.files) {
    std::set<std::string> allowed;
    if (const auto it = kInitial.find(path); it != kInitial.end()) allowed.insert(it->second);
    for (const Session::Put& put : s.puts) {
      if (put.path == path && put.hash_matches && put.body_end <= cut) allowed.insert(put.content);
    }
    RC_ASSERT(allowed.count(content) == 1u);
  }
  // A PUT answered OK left its file (or a later complete one) in place.
  for (const Session::Put& put : s.puts) {
    if (put.body_end > cut || !put.hash_matches) continue;
    const bool answered =
        outcome.output.find("OK " + sha256_hex(put.content) + "\r\n") != std::string::npos;
    if (answered) RC_ASSERT(outcome.files.count(put.path) == 1u);
  }
}

}  // namespace
}  // namespace kit::upload
