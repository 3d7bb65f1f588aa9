// Fuzz target: UploadClient fed arbitrary server bytes, in chunks derived from the input
// itself (testing::fuzz_chunking). The payload's first byte picks the client's options
// (a secret or none, a small or the default chunk size); the rest is what the server
// sends. The client has three files to send: a short one, an empty one, and one of
// several chunks.
// Invariants: the chunking changes nothing (same bytes sent, same results); the session
// always ends (done fires and the connection is closed, with or without a cut);
// a file is stored only with the hash of its content; every error is one line naming
// its file; the client never asks a source for more than a chunk at once and never
// sends more than the files' PUT lines and bodies, AUTH and QUIT.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_client.h"
#include "protocols/upload/upload_client_session.h"
#include "testing/fuzz/fuzz_check.h"
#include "testing/generators/chunking.h"

namespace {

using kit::upload::ClientFile;
using kit::upload::ClientSessionOutcome;
using kit::upload::UploadClientOptions;

const std::vector<ClientFile>& files() {
  static const std::vector<ClientFile> kFiles = {
      {"notes/hello.txt", "hello"},
      {"empty", ""},
      {"big", std::string(300, 'b') + "\r\nQUIT\r\n" + std::string(300, 'c')},
  };
  return kFiles;
}

std::size_t most_output(const UploadClientOptions& options) {
  std::size_t n = options.secret ? 5 + 64 + 2 : 0;
  for (const ClientFile& f : files())
    n += 4 + 20 + 1 + 64 + 1 + f.remote.size() + 2 + f.content.size();
  return n + 6;  // QUIT\r\n
}

void check_well_formed(const ClientSessionOutcome& outcome, const UploadClientOptions& options) {
  FUZZ_CHECK(outcome.report.has_value());
  FUZZ_CHECK(outcome.closed);
  FUZZ_CHECK(outcome.largest_read <= options.chunk_size);
  FUZZ_CHECK(outcome.output.size() <= most_output(options));
  const auto& results = outcome.report->files;
  FUZZ_CHECK(results.size() == files().size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    const kit::upload::UploadResult& r = results[i];
    FUZZ_CHECK(r.remote == files()[i].remote);
    if (r.stored) {
      FUZZ_CHECK(r.error.empty());
      FUZZ_CHECK(r.sha256 == kit::upload::sha256_hex(files()[i].content));
    } else {
      FUZZ_CHECK(r.error.rfind("cannot upload local/" + r.remote + " to " + r.remote + ": ", 0) ==
                 0);
      FUZZ_CHECK(r.error.find_first_of("\r\n") == std::string::npos);
    }
  }
  if (outcome.report->connection_error) {
    FUZZ_CHECK(outcome.report->connection_error->find_first_of("\r\n") == std::string::npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const kit::testing::FuzzChunking fuzz = kit::testing::fuzz_chunking(input);
  UploadClientOptions options;
  std::string_view payload = fuzz.payload;
  kit::testing::Chunking chunks = fuzz.chunks;
  if (!payload.empty()) {
    const auto choice = static_cast<unsigned char>(payload.front());
    if (choice & 1) options.secret.emplace(1, 'k');
    if (choice & 2) options.chunk_size = 64;
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
  const ClientSessionOutcome chunked = kit::upload::run_client_session(files(), options, chunks);
  const ClientSessionOutcome whole = kit::upload::run_client_session(
      files(), options,
      payload.empty() ? kit::testing::Chunking{} : kit::testing::Chunking{std::string(payload)});
  FUZZ_CHECK(chunked == whole);
  check_well_formed(chunked, options);
  const ClientSessionOutcome cut =
      kit::upload::run_client_session(files(), options, chunks, {}, /*cut=*/true);
  check_well_formed(cut, options);
  return 0;
}
