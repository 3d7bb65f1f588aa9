#include "examples/connection_tester/connection_tester.h"

#include <memory>
#include <utility>

#include "kit/client_factory.h"
#include "kit/connect.h"
#include "kit/deferred_list.h"
#include "kit/deferred_semaphore.h"
#include "kit/endpoint.h"

namespace examples {
namespace {

// Closes as soon as it is connected: all we wanted to know.
class HangUp : public kit::Protocol {
 public:
  void connection_made() override { transport()->lose_connection(); }
};

// The factory of the callback version: it owns the answer, a Deferred, and fires it
// from the connection's first event.
class ConnectionTestFactory : public kit::ClientFactory {
 public:
  kit::Deferred<void> answer;

  std::unique_ptr<kit::Protocol> build_protocol(const kit::Address&) override {
    if (!answer.called()) answer.callback();
    return std::make_unique<HangUp>();
  }
  void client_connection_failed(kit::Connector&, const kit::Failure& reason) override {
    if (!answer.called()) answer.errback(reason);
  }
};

kit::Endpoint tcp(const std::string& host, std::uint16_t port) {
  kit::Endpoint endpoint;
  endpoint.host = host;
  endpoint.port = port;
  return endpoint;
}

}  // namespace

kit::Deferred<void> test_connect(kit::Reactor& reactor, const std::string& host,
                                 std::uint16_t port) {
  auto factory = std::make_shared<ConnectionTestFactory>();
  std::shared_ptr<kit::Connector> connector = reactor.connect(tcp(host, port), *factory);
  connector->retain(factory);  // the factory lives as long as the attempt
  return factory->answer;
}

kit::Deferred<void> test_connect_coroutine(kit::Reactor& reactor, std::string host,
                                           std::uint16_t port) {
  auto factory = std::make_shared<kit::FunctionClientFactory>(
      [](const kit::Address&) { return std::make_unique<HangUp>(); });
  // A refused or timed-out attempt is thrown here, and fails the returned Deferred.
  co_await kit::connect(reactor, tcp(host, port), std::move(factory));
}

kit::Deferred<std::vector<std::uint16_t>> scan_ports(kit::Reactor& reactor, const std::string& host,
                                                     std::uint16_t first, std::uint16_t last,
                                                     std::size_t in_flight) {
  auto limit = std::make_shared<kit::DeferredSemaphore>(in_flight);
  std::vector<kit::Deferred<void>> attempts;
  for (std::uint32_t port = first; port <= last; ++port) {
    attempts.push_back(limit->run([&reactor, host, port] {
      return test_connect(reactor, host, static_cast<std::uint16_t>(port));
    }));
  }
  kit::DeferredListOptions options;
  options.consume_errors = true;  // a closed port is an answer, not an error to report
  return kit::deferred_list(std::move(attempts), options)
      .add_callback([first, limit](std::vector<kit::Outcome<void>> outcomes) {
        std::vector<std::uint16_t> open;
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
          if (outcomes[i].has_value()) open.push_back(static_cast<std::uint16_t>(first + i));
        }
        return open;
      });
}

}  // namespace examples
