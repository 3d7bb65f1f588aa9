// RelayProtocol: passes every callback on to another protocol that it does not own.
//
// Live connections and wrappers own (and destroy) the protocol their factory builds; the
// conformance suite's protocol must outlive them. A relay stands in for it there: its
// connection_made() connects the target to the relay's own transport, so the target
// talks to the transport directly, and every later callback is passed on. `relayed`, if
// given, counts the callbacks (a live harness settles when none came for a while).
//
// Thread safety: the thread of its transport.
#ifndef KIT_TESTING_CONFORMANCE_RELAY_PROTOCOL_H_
#define KIT_TESTING_CONFORMANCE_RELAY_PROTOCOL_H_

#include <cstddef>
#include <string_view>

#include "kit/failure.h"
#include "kit/protocol.h"

namespace kit::testing {

class RelayProtocol final : public Protocol {
 public:
  explicit RelayProtocol(Protocol& target, std::size_t* relayed = nullptr)
      : target_(target), relayed_(relayed) {}

  void connection_made() override {
    count();
    target_.make_connection(*transport());
  }
  void data_received(std::string_view data) override {
    count();
    target_.data_received(data);
  }
  void read_connection_lost() override {
    count();
    target_.read_connection_lost();
  }
  void connection_lost(const Failure& reason) override {
    count();
    target_.connection_lost(reason);
  }
  void stop_requested() override {
    count();
    target_.stop_requested();
  }

 private:
  void count() noexcept {
    if (relayed_ != nullptr) ++*relayed_;
  }

  Protocol& target_;
  std::size_t* relayed_;
};

}  // namespace kit::testing

#endif  // KIT_TESTING_CONFORMANCE_RELAY_PROTOCOL_H_
