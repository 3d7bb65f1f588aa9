#include "testing/live/scripted_protocol.h"

namespace kit::testing {

void ScriptedProtocol::connection_made() {
  record_->transport = transport();
  record_->events.push_back("made");
  if (on_made) on_made(*this);
}

void ScriptedProtocol::data_received(std::string_view data) {
  record_->received.append(data);
  if (record_->events.empty() || record_->events.back() != "data") {
    record_->events.push_back("data");
  }
  if (on_data) on_data(*this, data);
}

void ScriptedProtocol::read_connection_lost() {
  record_->events.push_back("read_lost");
  if (on_read_lost) {
    on_read_lost(*this);
  } else {
    Protocol::read_connection_lost();
  }
}

void ScriptedProtocol::stop_requested() {
  record_->events.push_back("stop");
  if (on_stop) {
    on_stop(*this);
  } else {
    Protocol::stop_requested();
  }
}

void ScriptedProtocol::connection_lost(const Failure& reason) {
  record_->events.push_back("lost");
  record_->lost = reason;
  record_->peer = transport()->peer();
  record_->host = transport()->host();
  record_->transport = nullptr;
  if (on_lost) on_lost(*this, reason);
}

std::unique_ptr<Protocol> ScriptedFactory::build_protocol(const Address&) {
  auto record = std::make_shared<Record>();
  records.push_back(record);
  auto protocol = std::make_unique<ScriptedProtocol>(record);
  if (configure) configure(*protocol);
  return protocol;
}

void ScriptedFactory::client_connection_failed(Connector& connector, const Failure& reason) {
  failures.push_back(reason);
  if (on_failed) on_failed(connector, reason);
}

void ScriptedFactory::client_connection_lost(Connector& connector, const Failure& reason) {
  client_lost.push_back(reason);
  if (on_client_lost) on_client_lost(connector, reason);
}

std::size_t ScriptedFactory::lost() const noexcept {
  std::size_t count = 0;
  for (const auto& record : records) count += record->has_lost() ? 1 : 0;
  return count;
}

}  // namespace kit::testing
