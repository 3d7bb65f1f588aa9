#include "protocols/http/read_body.h"

#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

#include "kit/failure.h"
#include "kit/protocol.h"
#include "protocols/http/parse_error.h"

namespace kit::http {
namespace {

// Owns itself from deliver_body() until connection_lost().
class Collector final : public Protocol {
 public:
  Collector(std::size_t max_size, Deferred<std::string> done)
      : max_size_(max_size), done_(std::move(done)) {}

  void data_received(std::string_view data) override {
    if (too_long_) return;
    if (data.size() > max_size_ - body_.size()) {
      too_long_ = true;
      transport()->lose_connection();
      return;
    }
    body_.append(data);
  }

  void connection_lost(const Failure& reason) override {
    std::unique_ptr<Collector> self = std::move(self_);
    if (too_long_) {
      done_.errback(
          Failure(make_error_code(ParseErrorKind::limit_exceeded),
                  "the response body is longer than " + std::to_string(max_size_) + " bytes"));
    } else if (reason.is(errc::connection_done)) {
      done_.callback(std::move(body_));
    } else {
      done_.errback(reason);
    }
  }

  std::unique_ptr<Collector> self_;

 private:
  std::size_t max_size_;
  Deferred<std::string> done_;
  std::string body_;
  bool too_long_ = false;
};

}  // namespace

Deferred<std::string> read_body(const Response& response, std::size_t max_size) {
  Deferred<std::string> done;
  auto collector = std::make_unique<Collector>(max_size, done);
  Collector& ref = *collector;
  ref.self_ = std::move(collector);
  try {
    response.deliver_body(ref);
  } catch (const std::logic_error& e) {
    ref.self_.reset();
    return kit::fail<std::string>(Failure(make_error_code(ParseErrorKind::caller_misuse),
                                          std::string("read_body: ") + e.what()));
  }
  return done;
}

}  // namespace kit::http
