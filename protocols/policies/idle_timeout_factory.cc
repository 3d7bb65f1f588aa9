#include "protocols/policies/idle_timeout_factory.h"

#include <span>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "protocols/policies/idle_timeout.h"

namespace kit::protocols {
namespace {

class IdleTimeoutWrapper : public ProtocolWrapper {
 public:
  IdleTimeoutWrapper(std::unique_ptr<Protocol> wrapped, WrappingFactory* factory, Clock& clock,
                     Duration timeout)
      : ProtocolWrapper(std::move(wrapped), factory),
        timeout_(timeout),
        idle_(clock, [this] { timed_out(); }) {}

  void connection_made() override {
    idle_.set_timeout(timeout_);
    ProtocolWrapper::connection_made();
  }
  void data_received(std::string_view data) override {
    note_activity();
    ProtocolWrapper::data_received(data);
  }
  void connection_lost(const Failure& reason) override {
    idle_.set_timeout(std::nullopt);
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
    if (!closing_) idle_.reset();
  }

  void timed_out() {
    if (!closing_) {
      // Gracefully first; the timer runs once more in case flushing never ends.
      closing_ = true;
      idle_.set_timeout(timeout_);
      lose_connection();
    } else {
      abort_connection();
    }
  }

  Duration timeout_;
  IdleTimeout idle_;
  bool closing_ = false;
};

}  // namespace

IdleTimeoutFactory::IdleTimeoutFactory(Factory& wrapped, Clock& clock, Duration timeout)
    : WrappingFactory(wrapped), clock_(clock), timeout_(timeout) {
  if (timeout <= Duration::zero()) {
    throw std::invalid_argument("IdleTimeoutFactory: the timeout must be positive");
  }
}

std::unique_ptr<ProtocolWrapper> IdleTimeoutFactory::wrap(std::unique_ptr<Protocol> protocol) {
  return std::make_unique<IdleTimeoutWrapper>(std::move(protocol), this, clock_, timeout_);
}

}  // namespace kit::protocols
