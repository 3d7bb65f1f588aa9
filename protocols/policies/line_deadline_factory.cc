#include "protocols/policies/line_deadline_factory.h"

#include <stdexcept>
#include <string_view>
#include <utility>

#include "kit/clock.h"
#include "kit/delayed_call.h"

namespace kit::protocols {
namespace {

class LineDeadlineWrapper : public ProtocolWrapper {
 public:
  LineDeadlineWrapper(std::unique_ptr<Protocol> wrapped, WrappingFactory* factory, Duration timeout,
                      const std::string& answer)
      : ProtocolWrapper(std::move(wrapped), factory), timeout_(timeout), answer_(answer) {}

  void data_received(std::string_view data) override {
    const std::size_t last_lf = data.rfind('\n');
    if (last_lf != std::string_view::npos) {
      // A line ended: whatever follows its LF is the start of the next one.
      deadline_.cancel();
      if (last_lf + 1 < data.size()) start();
    } else if (!data.empty() && !deadline_.active()) {
      start();
    }
    ProtocolWrapper::data_received(data);
  }

  void connection_lost(const Failure& reason) override {
    deadline_.cancel();
    ProtocolWrapper::connection_lost(reason);
  }

 private:
  void start() {
    deadline_ = clock().call_later(timeout_, [this] { timed_out(); });
  }

  void timed_out() {
    if (disconnecting()) return;
    lower().write(answer_);
    lose_connection();
  }

  Duration timeout_;
  const std::string& answer_;
  DelayedCall deadline_;  // pending while a line has begun and not ended
};

}  // namespace

LineDeadlineFactory::LineDeadlineFactory(Factory& wrapped, Duration timeout, std::string answer)
    : WrappingFactory(wrapped), timeout_(timeout), answer_(std::move(answer)) {
  if (timeout <= Duration::zero()) {
    throw std::invalid_argument("LineDeadlineFactory: the timeout must be positive");
  }
}

std::unique_ptr<ProtocolWrapper> LineDeadlineFactory::wrap(std::unique_ptr<Protocol> protocol) {
  return std::make_unique<LineDeadlineWrapper>(std::move(protocol), this, timeout_, answer_);
}

}  // namespace kit::protocols
