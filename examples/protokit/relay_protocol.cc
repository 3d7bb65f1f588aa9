#include "examples/protokit/relay_protocol.h"

namespace protokit_cli {

std::unique_ptr<RelayProtocol> RelayProtocol::accepted(
    std::function<void(RelayProtocol&)> connect_upstream) {
  return std::unique_ptr<RelayProtocol>(new RelayProtocol(std::move(connect_upstream)));
}

std::unique_ptr<RelayProtocol> RelayProtocol::upstream() {
  return std::unique_ptr<RelayProtocol>(new RelayProtocol(nullptr));
}

RelayProtocol::~RelayProtocol() {
  if (partner_ != nullptr) partner_->partner_ = nullptr;
}

void RelayProtocol::join(RelayProtocol& client, RelayProtocol& upstream) {
  client.partner_ = &upstream;
  upstream.partner_ = &client;
  client.transport()->register_producer(*upstream.transport());
  upstream.transport()->register_producer(*client.transport());
  client.transport()->resume_reading();
}

void RelayProtocol::partner_failed() {
  if (transport() != nullptr) transport()->lose_connection();
}

void RelayProtocol::connection_made() {
  if (connect_upstream_) {
    transport()->pause_reading();  // until the upstream end is there to take the bytes
    connect_upstream_(*this);
  }
}

void RelayProtocol::data_received(std::string_view data) {
  if (partner_ != nullptr) partner_->transport()->write(data);
}

void RelayProtocol::read_connection_lost() {
  // The peer is done sending: so is this proxy, towards the other side; both go on
  // reading what the other side still sends.
  if (partner_ != nullptr) {
    partner_->transport()->half_close();
  } else {
    transport()->lose_connection();
  }
}

void RelayProtocol::connection_lost(const kit::Failure&) {
  *alive_ = false;
  if (partner_ == nullptr) return;
  // Our transport stopped the partner's transport (its producer) as it went, which closes
  // it after its pending writes; the partner's transport must forget ours.
  RelayProtocol& partner = *partner_;
  partner.partner_ = nullptr;
  partner_ = nullptr;
  if (partner.transport() != nullptr) {
    partner.transport()->unregister_producer();
    partner.transport()->lose_connection();
  }
}

}  // namespace protokit_cli
