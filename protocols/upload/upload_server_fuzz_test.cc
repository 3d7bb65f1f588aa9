// Fuzz target: UploadServer over a MemoryUploadStore, fed the input in chunks derived
// from the input itself (testing::fuzz_chunking). The payload's first byte picks the
// server's options (a secret or none, overwrite or not); the rest is what the client
// sends. The store holds a file and a link out of the root, and a small size limit makes
// bodies short.
// Invariants: the chunking changes nothing (same answers, same close, same files); every
// answer is a CRLF-terminated line of the spec's forms with a code of its table; nothing
// follows BYE, a 401 bad credentials or a 400 line too long; the server closed after
// them; every stored path obeys the path rules; a cut connection leaves no temporary.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "protocols/upload/memory_upload_store.h"
#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_path.h"
#include "protocols/upload/upload_server.h"
#include "protocols/upload/upload_session.h"
#include "testing/fuzz/fuzz_check.h"
#include "testing/generators/chunking.h"

namespace {

using kit::upload::MemoryUploadStore;
using kit::upload::SessionOutcome;
using kit::upload::UploadServerOptions;

SessionOutcome run(const kit::testing::Chunking& chunks, const UploadServerOptions& options,
                   bool cut) {
  MemoryUploadStore store;
  store.put("f", "old");
  store.add_outside_link("out");
  return kit::upload::run_session(store, options, chunks, {}, cut);
}

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void check_well_formed(const SessionOutcome& outcome) {
  static const std::set<std::string_view> kCodes = {"400", "401", "403", "404", "408",
                                                    "409", "413", "422", "500", "507"};
  std::string_view rest = outcome.output;
  bool first = true;
  bool ended = false;
  while (!rest.empty()) {
    FUZZ_CHECK(!ended);
    const std::size_t end = rest.find("\r\n");
    FUZZ_CHECK(end != std::string_view::npos);
    const std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end + 2);
    FUZZ_CHECK(line.find('\n') == std::string_view::npos);
    if (first) {
      FUZZ_CHECK(line.size() == 7 + 32 && line.substr(0, 7) == "PKUP/1 ");
      first = false;
      continue;
    }
    if (line == "READY" || line == "OK auth") continue;
    if (line == "BYE" || line == "ERR 401 bad credentials" || line == "ERR 400 line too long" ||
        line == "ERR 408 timeout") {
      ended = true;
      continue;
    }
    if (line.substr(0, 3) == "OK ") {
      const std::string_view args = line.substr(3);
      const std::size_t space = args.find(' ');
      if (space == std::string_view::npos) {
        FUZZ_CHECK(kit::upload::is_sha256_hex(args));  // OK <sha256> after a body
      } else {
        FUZZ_CHECK(is_digits(args.substr(0, space)));  // OK <size> <sha256> for STAT
        FUZZ_CHECK(kit::upload::is_sha256_hex(args.substr(space + 1)));
      }
      continue;
    }
    FUZZ_CHECK(line.substr(0, 4) == "ERR ");
    FUZZ_CHECK(kCodes.count(line.substr(4, 3)) == 1);
    FUZZ_CHECK(line.size() > 8 && line[7] == ' ');
  }
  FUZZ_CHECK(!first);
  if (ended) FUZZ_CHECK(outcome.closed);
  for (const auto& [path, content] : outcome.files) {
    FUZZ_CHECK(kit::upload::UploadPath::parse(path).has_value());
    FUZZ_CHECK(path.substr(0, 3) != "out");
    FUZZ_CHECK(content.size() <= 64 || path == "f");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const kit::testing::FuzzChunking fuzz = kit::testing::fuzz_chunking(input);
  UploadServerOptions options;
  options.max_size = 64;
  std::string_view payload = fuzz.payload;
  kit::testing::Chunking chunks = fuzz.chunks;  // less the option byte, below
  if (!payload.empty()) {
    const auto choice = static_cast<unsigned char>(payload.front());
    if (choice & 1)
      options.secret.emplace(1, 'k');  // "k" (assigning a literal trips GCC 12's -Wrestrict)
    options.overwrite = (choice & 2) == 0;
    // The option byte is not sent: the chunks cut the rest.
    payload.remove_prefix(1);
    kit::testing::Chunking rest;
    bool first = true;
    for (const std::string& chunk : fuzz.chunks) {
      std::string_view piece = chunk;
      if (first) piece.remove_prefix(1);
      first = false;
      if (!piece.empty()) rest.emplace_back(piece);
    }
    chunks = std::move(rest);
  }
  const SessionOutcome chunked = run(chunks, options, false);
  const SessionOutcome whole =
      run(payload.empty() ? kit::testing::Chunking{} : kit::testing::Chunking{std::string(payload)},
          options, false);
  FUZZ_CHECK(chunked == whole);
  check_well_formed(chunked);
  const SessionOutcome cut = run(chunks, options, true);
  FUZZ_CHECK(cut.temporaries == 0);
  FUZZ_CHECK(cut.closed);
  return 0;
}
