#include "testing/scripted_protocol.h"

namespace kit::testing {
namespace {

std::string lost_event(const Failure& reason) {
  if (reason.is(errc::connection_done)) return "lost:done";
  if (reason.is(errc::connection_aborted)) return "lost:aborted";
  if (reason.is(errc::connection_lost)) return "lost:lost";
  return "lost:" + reason.what();
}

}  // namespace

std::vector<std::string> ConnectionHistory::callbacks() const {
  std::vector<std::string> kinds;
  for (const std::string& event : events) {
    std::string kind = event.substr(0, event.find(':'));
    if (kind == "data" && !kinds.empty() && kinds.back() == "data") continue;
    kinds.push_back(std::move(kind));
  }
  return kinds;
}

void ScriptedProtocol::request(const std::function<void(Transport&)>& fn) {
  const std::size_t before = history_->events.size();
  fn(*transport());
  inside_requests_ += history_->events.size() - before;
}

void ScriptedProtocol::connection_made() {
  history_->transport = transport();
  history_->events.push_back("made");
  if (on_made) on_made(*this);
}

void ScriptedProtocol::data_received(std::string_view data) {
  history_->received.append(data);
  history_->chunks.emplace_back(data);
  history_->events.push_back("data:" + std::string(data));
  if (on_data) on_data(*this, data);
}

void ScriptedProtocol::read_connection_lost() {
  history_->events.push_back("read_lost");
  if (on_read_lost) {
    on_read_lost(*this);
  } else {
    Protocol::read_connection_lost();
  }
}

void ScriptedProtocol::stop_requested() {
  history_->events.push_back("stop");
  if (on_stop) {
    on_stop(*this);
  } else {
    Protocol::stop_requested();
  }
}

void ScriptedProtocol::connection_lost(const Failure& reason) {
  history_->events.push_back(lost_event(reason));
  history_->lost = reason;
  history_->peer = transport()->peer();
  history_->host = transport()->host();
  history_->transport = nullptr;
  if (on_lost) on_lost(*this, reason);
}

std::unique_ptr<Protocol> ScriptedFactory::build_protocol(const Address&) {
  auto history = std::make_shared<ConnectionHistory>();
  histories.push_back(history);
  auto protocol = std::make_unique<ScriptedProtocol>(history);
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
  for (const auto& history : histories) count += history->has_lost() ? 1 : 0;
  return count;
}

}  // namespace kit::testing
