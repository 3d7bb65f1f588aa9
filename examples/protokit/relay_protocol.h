// RelayProtocol: one end of a proxied connection, relaying what it reads to its partner
// (the other end) and closing as its partner closes -- what `protokit record` runs on each
// side of a client and its upstream.
//
// Back-pressure both ways: each end's transport is registered as the producer of the
// other's, so an end that reads faster than its partner's peer takes the bytes stops
// reading (kit/producer.h: a transport produces what it reads). The peer's half-close
// is passed on as a half-close; a close or reset as a close after pending writes.
//
// The client-side end (accepted) pauses reading until its upstream end is connected;
// bytes that arrive meanwhile wait in the kernel.
//
// Thread safety: the reactor's thread.
#ifndef KIT_EXAMPLES_PROTOKIT_RELAY_PROTOCOL_H_
#define KIT_EXAMPLES_PROTOKIT_RELAY_PROTOCOL_H_

#include <functional>
#include <memory>
#include <string_view>
#include <utility>

#include "kit/failure.h"
#include "kit/protocol.h"

namespace protokit_cli {

class RelayProtocol : public kit::Protocol {
 public:
  // The end facing the client: on connection_made() it pauses reading and calls
  // `connect_upstream` with itself, which connects the other end and join()s them, or
  // calls partner_failed().
  static std::unique_ptr<RelayProtocol> accepted(
      std::function<void(RelayProtocol&)> connect_upstream);
  // The end facing the upstream.
  static std::unique_ptr<RelayProtocol> upstream();
  ~RelayProtocol() override;

  // join: makes `client` (accepted) and `upstream` partners, both connected: each
  // transport becomes the other's producer and the client's reading resumes.
  static void join(RelayProtocol& client, RelayProtocol& upstream);
  // partner_failed: the upstream could not be reached: close the client.
  void partner_failed();
  // alive: false once this end's connection is gone (for a join that comes too late).
  std::weak_ptr<bool> alive() const { return alive_; }

  void connection_made() override;
  void data_received(std::string_view data) override;
  void read_connection_lost() override;
  void connection_lost(const kit::Failure& reason) override;

 private:
  explicit RelayProtocol(std::function<void(RelayProtocol&)> connect_upstream)
      : connect_upstream_(std::move(connect_upstream)) {}

  std::function<void(RelayProtocol&)> connect_upstream_;  // empty for the upstream end
  RelayProtocol* partner_ = nullptr;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace protokit_cli

#endif  // KIT_EXAMPLES_PROTOKIT_RELAY_PROTOCOL_H_
