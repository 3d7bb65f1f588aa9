#include "testing/live/live_client.h"

#include <utility>

#include "kit/protocol.h"

namespace kit::testing {

struct LiveClient::State {
  std::string input;
  bool half_close = false;
  std::string received;
  bool connected = false;
  bool ended = false;
  std::optional<Failure> reason;
  Transport* transport = nullptr;
};

namespace {

class Collector : public Protocol {
 public:
  explicit Collector(std::shared_ptr<LiveClient::State> state) : state_(std::move(state)) {}

  void connection_made() override {
    state_->connected = true;
    state_->transport = transport();
    transport()->write(state_->input);
    if (state_->half_close) transport()->half_close();
  }
  void data_received(std::string_view data) override { state_->received.append(data); }
  void connection_lost(const Failure& reason) override {
    state_->transport = nullptr;
    state_->ended = true;
    state_->reason = reason;
  }

 private:
  std::shared_ptr<LiveClient::State> state_;
};

}  // namespace

Endpoint endpoint_of(const ListeningPort& port) {
  Address address = port.address();
  Endpoint endpoint;
  if (address.family() == Address::Family::unix_domain) {
    endpoint.kind = Endpoint::Kind::unix_socket;
    endpoint.path = address.host();
  } else {
    endpoint.host = address.host();
    endpoint.port = address.port();
  }
  return endpoint;
}

LiveClient::LiveClient(live::LiveReactor& reactor, const Endpoint& server, std::string input,
                       Options options)
    : reactor_(reactor), state_(std::make_shared<State>()) {
  state_->input = std::move(input);
  state_->half_close = options.half_close;
  auto factory = std::make_unique<FunctionClientFactory>(
      [state = state_](const Address&) { return std::make_unique<Collector>(state); });
  factory->on_failed = [state = state_](Connector&, const Failure& reason) {
    state->ended = true;
    state->reason = reason;
  };
  factory_ = std::move(factory);
  connector_ = reactor_.connect(server, *factory_);
}

LiveClient::~LiveClient() {
  // The connection must not outlive the factory: end it while the factory is here.
  if (connector_) connector_->disconnect();
  reactor_.run_until([this] { return state_->ended; }, std::chrono::seconds(10));
}

bool LiveClient::wait_closed(Duration timeout) {
  return reactor_.run_until([this] { return state_->ended; }, timeout);
}

bool LiveClient::wait_received(std::size_t bytes, Duration timeout) {
  return reactor_.run_until([this, bytes] { return state_->received.size() >= bytes; }, timeout);
}

const std::string& LiveClient::received() const { return state_->received; }
bool LiveClient::ended() const { return state_->ended; }
const std::optional<Failure>& LiveClient::reason() const { return state_->reason; }
bool LiveClient::connected() const { return state_->connected; }

void LiveClient::send(std::string_view data) {
  if (state_->transport != nullptr) state_->transport->write(data);
}

}  // namespace kit::testing
