#include "examples/protokit/server_protocols.h"

#include "examples/protokit/command_error.h"
#include "protocols/echo/echo_protocol.h"
#include "protocols/line/line_protocol.h"
#include "protocols/reverse/reverse_protocol.h"

namespace protokit_cli {

const std::vector<std::string>& server_protocol_names() {
  static const std::vector<std::string> names = {"echo", "line", "reverse"};
  return names;
}

bool uses_max_line(std::string_view name) { return name == "line" || name == "reverse"; }

std::unique_ptr<kit::Factory> make_server_factory(std::string_view name,
                                                  const ServerProtocolSettings& settings) {
  using namespace kit::protocols;
  if (name == "echo") return kit::factory_for<EchoProtocol>();
  if (name == "line") return kit::factory_for<LineProtocol>(settings.max_line);
  if (name == "reverse") return kit::factory_for<ReverseProtocol>(settings.max_line);
  throw UsageError("unknown protocol '" + std::string(name) + "' (expected echo, line or reverse)");
}

}  // namespace protokit_cli
