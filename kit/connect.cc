#include "kit/connect.h"

namespace kit::detail {
namespace {

// Wraps the user's protocol to learn when connection_made() has run; forwards the rest.
class ConnectNotifier : public Protocol {
 public:
  ConnectNotifier(std::unique_ptr<Protocol> inner, std::weak_ptr<ConnectingFactory> owner)
      : inner_(std::move(inner)), owner_(std::move(owner)) {}

  void connection_made() override {
    inner_->make_connection(*transport());
    if (auto owner = owner_.lock()) owner->connected(inner_.get());
  }
  void data_received(std::string_view data) override { inner_->data_received(data); }
  void read_connection_lost() override { inner_->read_connection_lost(); }
  void connection_lost(const Failure& reason) override { inner_->connection_lost(reason); }
  void stop_requested() override { inner_->stop_requested(); }

 private:
  std::unique_ptr<Protocol> inner_;
  std::weak_ptr<ConnectingFactory> owner_;
};

}  // namespace

ConnectingFactory::ConnectingFactory(ClientFactory& factory)
    : factory_(factory), result_([this](Deferred<Protocol*>&) {
        // Cancelled while connecting: stop; client_connection_failed then settles it.
        if (auto connector = connector_.lock();
            connector && connector->state() == Connector::State::connecting) {
          connector->stop_connecting();
        }
      }) {}

ConnectingFactory::~ConnectingFactory() {
  settle(Failure(errc::cancelled, "the connection attempt was abandoned"));
}

std::unique_ptr<Protocol> ConnectingFactory::build_protocol(const Address& peer) {
  std::unique_ptr<Protocol> inner = factory_.build_protocol(peer);
  if (inner == nullptr) return nullptr;
  // The reactor keeps this factory alive through the connector; a weak reference keeps
  // the protocol from extending it.
  return std::make_unique<ConnectNotifier>(std::move(inner), weak_from_this());
}

void ConnectingFactory::client_connection_failed(Connector& connector, const Failure& reason) {
  factory_.client_connection_failed(connector, reason);
  settle(reason);
}

void ConnectingFactory::client_connection_lost(Connector& connector, const Failure& reason) {
  factory_.client_connection_lost(connector, reason);
  settle(reason);
}

void ConnectingFactory::connected(Protocol* protocol) {
  if (settled_) return;
  settled_ = true;
  result_.callback(protocol);
}

void ConnectingFactory::settle(const Failure& reason) {
  if (settled_) return;
  settled_ = true;
  result_.errback(reason);
}

}  // namespace kit::detail
