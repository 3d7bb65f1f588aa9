// A client that connects and disconnects at once, and a ClientFactory that reports how
// the attempt ended: client_connection_failed (nothing listens there) or
// client_connection_lost (it connected, then closed).
#ifndef KIT_EXAMPLES_QUICK_DISCONNECT_QUICK_DISCONNECT_H_
#define KIT_EXAMPLES_QUICK_DISCONNECT_QUICK_DISCONNECT_H_

#include <functional>
#include <memory>
#include <ostream>

#include "kit/client_factory.h"
#include "kit/protocol.h"

namespace examples {

class QuickDisconnect : public kit::Protocol {
 public:
  void connection_made() override { transport()->lose_connection(); }
};

class ReportingFactory : public kit::ClientFactory {
 public:
  // `done` runs once the attempt has ended, either way.
  ReportingFactory(std::ostream& out, std::function<void()> done)
      : out_(out), done_(std::move(done)) {}

  std::unique_ptr<kit::Protocol> build_protocol(const kit::Address&) override {
    return std::make_unique<QuickDisconnect>();
  }
  void client_connection_failed(kit::Connector&, const kit::Failure& reason) override {
    out_ << "client_connection_failed: " << reason.what() << "\n";
    failed_ = true;
    done_();
  }
  void client_connection_lost(kit::Connector&, const kit::Failure& reason) override {
    out_ << "client_connection_lost: " << reason.what() << "\n";
    done_();
  }

  bool failed() const { return failed_; }

 private:
  std::ostream& out_;
  std::function<void()> done_;
  bool failed_ = false;
};

}  // namespace examples

#endif  // KIT_EXAMPLES_QUICK_DISCONNECT_QUICK_DISCONNECT_H_
