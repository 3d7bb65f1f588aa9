#include "kit/reactor.h"

namespace kit {

std::unique_ptr<ListeningPort> Reactor::listen(std::string_view endpoint, Factory& factory) {
  return listen(parse_server_endpoint(endpoint), factory);
}

std::shared_ptr<Connector> Reactor::connect(std::string_view endpoint, ClientFactory& factory) {
  return connect(parse_client_endpoint(endpoint), factory);
}

}  // namespace kit
