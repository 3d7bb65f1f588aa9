#include "protocols/http/response.h"

#include <stdexcept>
#include <utility>

namespace kit::http {
namespace {

// Sets a flag for a scope, also when the consumer's callback throws.
class FlagScope {
 public:
  explicit FlagScope(bool& flag) : flag_(flag) { flag_ = true; }
  ~FlagScope() { flag_ = false; }
  FlagScope(const FlagScope&) = delete;
  FlagScope& operator=(const FlagScope&) = delete;

 private:
  bool& flag_;
};

}  // namespace

ResponseBody::ResponseBody(Context& context, Address peer, Address host, BodySource* source)
    : context_(context), peer_(std::move(peer)), host_(std::move(host)), source_(source) {}

ResponseBody::~ResponseBody() = default;

void ResponseBody::push(std::string_view data) {
  auto guard = shared_from_this();  // a consumer callback may drop the last other owner
  if (end_ || stopped_ || data.empty()) return;
  if (consumer_ != nullptr && !paused_ && !flushing_ && held_.empty()) {
    // The usual path: straight from the connection's read to the consumer, no copy.
    {
      FlagScope scope(flushing_);
      consumer_->data_received(data);
    }
    if (!held_.empty() && !paused_) flush();
    demand_changed();
    return;
  }
  held_.append(data);
  demand_changed();
}

void ResponseBody::add_trailer(std::string_view name, std::string_view value) {
  if (!end_) trailers_.add(std::string(name), std::string(value));
}

void ResponseBody::finish(Failure reason) {
  auto guard = shared_from_this();  // a consumer callback may drop the last other owner
  if (end_) return;
  source_ = nullptr;
  if (stopped_) {
    end_ = Failure(errc::cancelled, "the response body was stopped");
    if (consumer_ == nullptr) return;
    if (!flushing_) {
      deliver_end();
    } else {
      // Inside the consumer's own call (a transport that closes at once): later.
      end_later();
    }
    return;
  }
  end_ = std::move(reason);
  flush();
}

void ResponseBody::detach_source() noexcept {
  source_ = nullptr;
  auto keep = std::move(self_);  // may be the last reference: released on return
}

bool ResponseBody::wants_data() const noexcept {
  return consumer_ != nullptr && !paused_ && !stopped_ && held_.empty();
}

void ResponseBody::deliver(Protocol& consumer) {
  auto guard = shared_from_this();  // a consumer callback may drop the last other owner
  if (consumer_ != nullptr) throw std::logic_error("deliver_body: the body was already delivered");
  consumer_ = &consumer;
  self_ = shared_from_this();
  {
    FlagScope scope(flushing_);
    consumer.make_connection(transport_);
  }
  flush();
  demand_changed();
}

void ResponseBody::stop() {
  auto guard = shared_from_this();  // a consumer callback may drop the last other owner
  if (stopped_ || end_delivered_ || consumer_ == nullptr) return;
  stopped_ = true;
  held_.clear();
  if (source_ != nullptr && !end_) {
    // The connection aborts and finish()es us from its connection_lost().
    source_->stop_body();
    return;
  }
  // The body had already ended on the wire: say so later, never inside the request.
  end_ = Failure(errc::cancelled, "the response body was stopped");
  end_later();
}

void ResponseBody::set_paused(bool paused) {
  auto guard = shared_from_this();  // a consumer callback may drop the last other owner
  if (paused_ == paused) return;
  paused_ = paused;
  if (!paused_) flush();
  demand_changed();
}

void ResponseBody::flush() {
  if (flushing_ || consumer_ == nullptr) return;
  {
    FlagScope scope(flushing_);
    while (!paused_ && !stopped_ && !end_delivered_ && !held_.empty()) {
      std::string chunk = std::move(held_);
      held_.clear();
      consumer_->data_received(chunk);
    }
  }
  // The end follows the last byte; a consumer that paused still hears it once nothing is
  // held back from it (a stopped body hears it from stop()'s or finish()'s path).
  if (end_ && !end_delivered_ && held_.empty() && !stopped_) deliver_end();
}

void ResponseBody::deliver_end() {
  if (end_delivered_ || consumer_ == nullptr) return;
  end_delivered_ = true;
  held_.clear();
  Protocol* consumer = consumer_;
  consumer->connection_lost(*end_);
  self_.reset();  // the caller's guard keeps this alive until it returns
}

void ResponseBody::end_later() {
  context_.clock()
      .call_later(Duration::zero(),
                  [weak = weak_from_this()] {
                    if (auto self = weak.lock()) self->deliver_end();
                  })
      .detach();
}

void ResponseBody::demand_changed() {
  if (source_ != nullptr) source_->body_demand_changed();
}

Response::Response(HttpVersion version, int code, std::string reason, Headers headers,
                   std::shared_ptr<ResponseBody> body)
    : version_(version),
      code_(code),
      reason_(std::move(reason)),
      headers_(std::move(headers)),
      body_(std::move(body)) {}

void Response::deliver_body(Protocol& consumer) const { body_->deliver(consumer); }

}  // namespace kit::http
