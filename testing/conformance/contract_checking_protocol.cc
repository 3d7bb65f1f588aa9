#include "testing/conformance/contract_checking_protocol.h"

#include <stdexcept>
#include <utility>

namespace kit::testing {

std::string_view to_string(ProtocolEvent::Kind kind) noexcept {
  switch (kind) {
    case ProtocolEvent::Kind::connection_made:
      return "connection_made";
    case ProtocolEvent::Kind::data_received:
      return "data_received";
    case ProtocolEvent::Kind::read_connection_lost:
      return "read_connection_lost";
    case ProtocolEvent::Kind::connection_lost:
      return "connection_lost";
  }
  return "unknown";
}

void ContractCheckingProtocol::violation(std::string what) {
  violations_.push_back(std::move(what));
}

void ContractCheckingProtocol::record(ProtocolEvent event, const char* callback) {
  const std::string name(callback);
  if (inside_request_ != nullptr) {
    violation(name + " ran inside " + inside_request_ + "()");
  }
  if (lost()) {
    violation(name + " after connection_lost");
  } else if (event.kind != ProtocolEvent::Kind::connection_made && !made()) {
    violation(name + " before connection_made");
  }
  ++counts_[static_cast<std::size_t>(event.kind)];
  events_.push_back(std::move(event));
}

void ContractCheckingProtocol::connection_made() {
  if (made()) violation("connection_made called again");
  record({ProtocolEvent::Kind::connection_made, {}, {}}, "connection_made");
  if (transport() == nullptr) {
    violation("connection_made without a transport");
    return;
  }
  peer_when_made_ = transport()->peer();
  host_when_made_ = transport()->host();
  if (peer_when_made_.family() == Address::Family::none)
    violation("peer() is none in connection_made");
  if (host_when_made_.family() == Address::Family::none)
    violation("host() is none in connection_made");
  if (on_connection_made) on_connection_made();
}

void ContractCheckingProtocol::data_received(std::string_view data) {
  if (reading_paused_) violation("data_received while reading was paused");
  if (read_lost()) violation("data_received after read_connection_lost");
  record({ProtocolEvent::Kind::data_received, std::string(data), {}}, "data_received");
  received_.append(data);
  if (on_data_received) on_data_received(data);
}

void ContractCheckingProtocol::read_connection_lost() {
  if (read_lost()) violation("read_connection_lost called again");
  record({ProtocolEvent::Kind::read_connection_lost, {}, {}}, "read_connection_lost");
  if (on_read_connection_lost) {
    on_read_connection_lost();
  } else if (!lost()) {
    close_request("lose_connection", [this] { Protocol::read_connection_lost(); });
  }
}

void ContractCheckingProtocol::connection_lost(const Failure& reason) {
  const bool first = !lost();
  record({ProtocolEvent::Kind::connection_lost, {}, reason}, "connection_lost");
  if (!first) return;  // recorded as a violation; the transport may already be gone
  if (transport() != nullptr) {
    peer_when_lost_ = transport()->peer();
    host_when_lost_ = transport()->host();
    if (peer_when_lost_ != peer_when_made_) {
      violation("peer() changed from " + peer_when_made_.to_string() + " to " +
                peer_when_lost_.to_string() + " by connection_lost");
    }
    if (host_when_lost_ != host_when_made_) {
      violation("host() changed from " + host_when_made_.to_string() + " to " +
                host_when_lost_.to_string() + " by connection_lost");
    }
  }
  lost_reason_ = reason;
  if (on_connection_lost) on_connection_lost(reason);
}

Transport& ContractCheckingProtocol::connected_transport() const {
  if (!made() || transport() == nullptr) {
    throw std::logic_error("ContractCheckingProtocol: a request before connection_made");
  }
  if (lost()) throw std::logic_error("ContractCheckingProtocol: a request after connection_lost");
  return *transport();
}

template <typename Request>
void ContractCheckingProtocol::close_request(const char* name, Request request) {
  const char* outer = std::exchange(inside_request_, name);
  request();
  inside_request_ = outer;
}

void ContractCheckingProtocol::write(std::string_view data) { connected_transport().write(data); }

void ContractCheckingProtocol::write_sequence(std::span<const std::string_view> pieces) {
  connected_transport().write_sequence(pieces);
}

void ContractCheckingProtocol::lose_connection() {
  Transport& transport = connected_transport();
  close_request("lose_connection", [&] { transport.lose_connection(); });
}

void ContractCheckingProtocol::abort_connection() {
  Transport& transport = connected_transport();
  close_request("abort_connection", [&] { transport.abort_connection(); });
}

void ContractCheckingProtocol::half_close() {
  Transport& transport = connected_transport();
  close_request("half_close", [&] { transport.half_close(); });
}

void ContractCheckingProtocol::pause_reading() {
  connected_transport().pause_reading();
  reading_paused_ = true;
}

void ContractCheckingProtocol::resume_reading() {
  // Cleared first: a transport may deliver held data from inside resume_reading().
  reading_paused_ = false;
  connected_transport().resume_reading();
}

std::string ContractCheckingProtocol::history() const {
  if (events_.empty()) return "no callbacks";
  std::string out;
  for (const ProtocolEvent& event : events_) {
    if (!out.empty()) out += ", ";
    out += to_string(event.kind);
    if (event.kind == ProtocolEvent::Kind::data_received) {
      out += "(" + std::to_string(event.data.size()) + " bytes)";
    } else if (event.reason) {
      out += "(" + event.reason->what() + ")";
    }
  }
  return out;
}

}  // namespace kit::testing
