// run_session: one PKUP/1 connection to an UploadServer over a MemoryUploadStore, driven
// from a script, for the property and fuzz tests.
//
// The input is delivered chunk by chunk; after chunk i the store's pool runs up to
// pool_steps[i] jobs (all of them when pool_steps has no entry i), so the store's timing
// varies along with the chunking. At the end the pool runs dry, after the peer cuts the
// connection when `cut` says so.
//
// Thread safety: the test's thread.
#ifndef KIT_PROTOCOLS_UPLOAD_UPLOAD_SESSION_H_
#define KIT_PROTOCOLS_UPLOAD_UPLOAD_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "protocols/upload/memory_upload_store.h"
#include "protocols/upload/upload_server.h"
#include "testing/generators/chunking.h"

namespace kit::upload {

struct SessionOutcome {
  std::string output;  // everything the server sent, greeting included
  bool closed = false;
  std::map<std::string, std::string> files;
  std::size_t temporaries = 0;
  friend bool operator==(const SessionOutcome&, const SessionOutcome&) = default;
};

SessionOutcome run_session(MemoryUploadStore& store, const UploadServerOptions& options,
                           const testing::Chunking& chunks,
                           const std::vector<std::size_t>& pool_steps = {}, bool cut = false,
                           std::uint64_t seed = 1);

}  // namespace kit::upload

#endif  // KIT_PROTOCOLS_UPLOAD_UPLOAD_SESSION_H_
