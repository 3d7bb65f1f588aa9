// run_client_session: one PKUP/1 connection of an UploadClient sending in-memory files,
// driven by a script of what the server sends, for the property and fuzz tests.
//
// The server's bytes are delivered chunk by chunk; after chunk i the sources' pool runs
// up to pool_steps[i] jobs (all of them when pool_steps has no entry i). At the end the
// pool runs dry; then the peer cuts the connection when `cut` says so, and the clock
// advances past every timeout, so a client that is still waiting gives up: the session
// always ends, and `report` is what done() gave.
//
// Thread safety: the test's thread.
#ifndef KIT_PROTOCOLS_UPLOAD_UPLOAD_CLIENT_SESSION_H_
#define KIT_PROTOCOLS_UPLOAD_UPLOAD_CLIENT_SESSION_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "protocols/upload/upload_client.h"
#include "testing/generators/chunking.h"

namespace kit::upload {

struct ClientFile {
  std::string remote;
  std::string content;
};

struct ClientSessionOutcome {
  std::string output;  // everything the client sent
  bool closed = false;
  bool aborted = false;
  std::optional<UploadReport> report;  // nullopt: done() never fired
  std::size_t largest_read = 0;        // the most bytes asked of a source at once
  friend bool operator==(const ClientSessionOutcome&, const ClientSessionOutcome&) = default;
};

ClientSessionOutcome run_client_session(const std::vector<ClientFile>& files,
                                        const UploadClientOptions& options,
                                        const testing::Chunking& chunks,
                                        const std::vector<std::size_t>& pool_steps = {},
                                        bool cut = false);

}  // namespace kit::upload

#endif  // KIT_PROTOCOLS_UPLOAD_UPLOAD_CLIENT_SESSION_H_
