#include "protocols/policies/idle_timeout_factory.h"

#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "protocols/policies/idle_timeout.h"

namespace kit::protocols {
namespace {

class IdleTimeoutWrapper : public ProtocolWrapper {
 public:
  IdleTimeoutWrapper(std::unique_ptr<Protocol> wrapped, WrappingFactory* factory, Duration timeout)
      : ProtocolWrapper(std::move(wrapped), factory), timeout_(timeout) {}

  void connection_made() override {
    idle_.emplace(clock(), [this] { timed_out(); });
    idle_->set_timeout(timeout_);
    ProtocolWrapper::connection_made();
  }
  void data_received(std::string_view data) override {
    note_activity();
    ProtocolWrapper::data_received(data);
  }
  void connection_lost(const Failure& reason) override {
    idle_->set_timeout(std::nullopt);
    ProtocolWrapper::connection_lost(reason);
  }
  void write(std::string_view data) override {
    note_activity();
    ProtocolWrapper::write(data);
  }
  void write_sequence(std::span<const std::string_view> pieces) override {
    note_activity();
    ProtocolWrapper::write_sequence(pieces);
  }

 private:
  // Once closing, nothing postpones the abort: writes then are dropped anyway.
  void note_activity() {
    if (!closing_ && idle_) idle_->reset();
  }

  void timed_out() {
    if (!closing_) {
      // Gracefully first; the timer runs once more in case flushing never ends.
      closing_ = true;
      idle_->set_timeout(timeout_);
      lose_connection();
    } else {
      abort_connection();
    }
  }

  Duration timeout_;
  std::optional<IdleTimeout> idle_;  // from connection_made(), on the connection's clock
  bool closing_ = false;
};

}  // namespace

IdleTimeoutFactory::IdleTimeoutFactory(Factory& wrapped, Duration timeout)
    : WrappingFactory(wrapped), timeout_(timeout) {
  if (timeout <= Duration::zero()) {
    throw std::invalid_argument("IdleTimeoutFactory: the timeout must be positive");
  }
}

std::unique_ptr<ProtocolWrapper> IdleTimeoutFactory::wrap(std::unique_ptr<Protocol> protocol) {
  return std::make_unique<IdleTimeoutWrapper>(std::move(protocol), this, timeout_);
}

}  // namespace kit::protocols
