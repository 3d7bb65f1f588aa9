// The protocols `protokit serve` runs, by name (specs/cli.md).
#ifndef KIT_EXAMPLES_PROTOKIT_SERVER_PROTOCOLS_H_
#define KIT_EXAMPLES_PROTOKIT_SERVER_PROTOCOLS_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kit/factory.h"
#include "kit/time.h"
#include "protocols/policies/idle_timeout_factory.h"
#include "protocols/policies/line_deadline_factory.h"
#include "protocols/upload/upload_server.h"
#include "protocols/upload/upload_store.h"

namespace protokit_cli {

struct ServerProtocolSettings {
  std::size_t max_line = 16384;  // line and reverse
  // upload: where files go (must outlive the factory and its connections), and the
  // server's options, idle timeout included (the server times its own idleness).
  kit::upload::UploadStore* upload_store = nullptr;
  kit::upload::UploadServerOptions upload;
};

// server_protocol_names: the names `serve` accepts, in the order help lists them.
const std::vector<std::string>& server_protocol_names();

// uses_max_line: whether --max-line applies to the protocol.
bool uses_max_line(std::string_view name);

// times_own_idleness: whether the protocol applies --idle-timeout itself (upload: time
// spent waiting on the disk is not idleness), so no IdleTimeoutFactory may wrap it.
bool times_own_idleness(std::string_view name);

// make_server_factory: the factory for `name`; throws UsageError for an unknown name and
// std::invalid_argument for upload without settings.upload_store.
std::unique_ptr<kit::Factory> make_server_factory(std::string_view name,
                                                  const ServerProtocolSettings& settings);

// ServedFactory: what `serve` puts behind its connection limit for one protocol, and
// `replay` plays a transcript into: the protocol's factory, inside a bound on each line's
// arrival (line and reverse; zero: none), inside an idle timeout (zero: none; not for a
// protocol that times its own idleness).
class ServedFactory {
 public:
  ServedFactory(std::string_view name, const ServerProtocolSettings& settings,
                kit::Duration idle_timeout, kit::Duration line_timeout);

  kit::Factory& factory() noexcept { return *outermost_; }

 private:
  std::unique_ptr<kit::Factory> protocol_;
  std::unique_ptr<kit::protocols::LineDeadlineFactory> line_deadline_;
  std::unique_ptr<kit::protocols::IdleTimeoutFactory> idle_;
  kit::Factory* outermost_;
};

}  // namespace protokit_cli

#endif  // KIT_EXAMPLES_PROTOKIT_SERVER_PROTOCOLS_H_
