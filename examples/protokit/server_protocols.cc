#include "examples/protokit/server_protocols.h"

#include <stdexcept>

#include "examples/protokit/command_error.h"
#include "protocols/echo/echo_protocol.h"
#include "protocols/line/line_protocol.h"
#include "protocols/reverse/reverse_protocol.h"

namespace protokit_cli {

const std::vector<std::string>& server_protocol_names() {
  static const std::vector<std::string> names = {"echo", "line", "reverse", "upload"};
  return names;
}

bool uses_max_line(std::string_view name) { return name == "line" || name == "reverse"; }

bool times_own_idleness(std::string_view name) { return name == "upload"; }

std::unique_ptr<kit::Factory> make_server_factory(std::string_view name,
                                                  const ServerProtocolSettings& settings) {
  using namespace kit::protocols;
  if (name == "echo") return kit::factory_for<EchoProtocol>();
  if (name == "line") return kit::factory_for<LineProtocol>(settings.max_line);
  if (name == "reverse") return kit::factory_for<ReverseProtocol>(settings.max_line);
  if (name == "upload") {
    if (settings.upload_store == nullptr) {
      throw std::invalid_argument("make_server_factory: upload needs a store");
    }
    return kit::upload::make_upload_server_factory(*settings.upload_store, settings.upload);
  }
  throw UsageError("unknown protocol '" + std::string(name) +
                   "' (expected echo, line, reverse or upload)");
}

ServedFactory::ServedFactory(std::string_view name, const ServerProtocolSettings& settings,
                             kit::Duration idle_timeout, kit::Duration line_timeout)
    : protocol_(make_server_factory(name, settings)), outermost_(protocol_.get()) {
  // Outermost first: watch idleness, then bound each line's arrival (slowloris).
  if (uses_max_line(name) && line_timeout > kit::Duration::zero()) {
    line_deadline_ =
        std::make_unique<kit::protocols::LineDeadlineFactory>(*outermost_, line_timeout);
    outermost_ = line_deadline_.get();
  }
  if (idle_timeout > kit::Duration::zero() && !times_own_idleness(name)) {
    idle_ = std::make_unique<kit::protocols::IdleTimeoutFactory>(*outermost_, idle_timeout);
    outermost_ = idle_.get();
  }
}

}  // namespace protokit_cli
