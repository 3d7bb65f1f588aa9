#include "protocols/http/http_client_protocol.h"

#include <array>
#include <exception>
#include <stdexcept>
#include <utility>

#include "kit/outcome.h"

namespace kit::http {
namespace {

Failure misuse(const std::string& message) {
  return Failure(make_error_code(ParseErrorKind::caller_misuse), message);
}

// says_close: a Connection field lists "close" (RFC 9112 9.6: then neither side reuses
// the connection).
bool says_close(const std::vector<Field>& fields) {
  for (const Field& field : fields) {
    if (!iequals_ascii(field.name, "Connection")) continue;
    std::string_view rest = field.value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      std::string_view option = rest.substr(0, comma);
      while (!option.empty() && (option.front() == ' ' || option.front() == '\t')) {
        option.remove_prefix(1);
      }
      while (!option.empty() && (option.back() == ' ' || option.back() == '\t')) {
        option.remove_suffix(1);
      }
      if (iequals_ascii(option, "close")) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

std::string seconds_text(Duration d) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

}  // namespace

std::string_view to_string(HttpClientProtocol::State state) noexcept {
  switch (state) {
    case HttpClientProtocol::State::unconnected:
      return "unconnected";
    case HttpClientProtocol::State::idle:
      return "idle";
    case HttpClientProtocol::State::busy:
      return "busy";
    case HttpClientProtocol::State::closing:
      return "closing";
    case HttpClientProtocol::State::closed:
      return "closed";
  }
  return "unknown";
}

struct HttpClientProtocol::InFlight {
  explicit InFlight(RequestSerializer s) : serializer(std::move(s)) {}

  RequestSerializer serializer;
  std::string method;
  Deferred<Response> response;
  std::unique_ptr<BodyProducer> producer;
  std::unique_ptr<BodyFlow> flow;  // registered on the transport while the body streams
  std::unique_ptr<Sink> sink;
  bool request_complete = false;
  bool request_stopped = false;  // the body was cut short: the connection cannot be reused
  bool request_close = false;    // the request said Connection: close
  bool received_any = false;     // a byte of the response came
  bool head_delivered = false;
  // The head being read.
  HttpVersion version;
  int code = 0;
  std::string reason;
  Headers headers;
  std::shared_ptr<ResponseBody> body;  // from the head on, until the body ends
};

// What a BodyProducer writes to.
class HttpClientProtocol::Sink final : public BodySink {
 public:
  Sink(HttpClientProtocol& protocol, std::uint64_t generation)
      : protocol_(protocol), generation_(generation) {}
  void write(std::string_view data) override {
    if (protocol_.generation_ != generation_ || !protocol_.in_flight_) return;
    protocol_.write_body_piece(data);
  }

 private:
  HttpClientProtocol& protocol_;
  std::uint64_t generation_;
};

// The transport's water marks pause and resume the body producer through this; it stops
// the producer when the connection goes away.
class HttpClientProtocol::BodyFlow final : public Producer {
 public:
  BodyFlow(HttpClientProtocol& protocol, BodyProducer& producer)
      : protocol_(protocol), producer_(producer) {}
  // While the server does not take the body, its wait counts against response_timeout;
  // a producer that is slow on its own does not.
  void pause_producing() override {
    protocol_.arm_timer(protocol_.options_.response_timeout, "the server to take the request body");
    producer_.pause_producing();
  }
  void resume_producing() override {
    protocol_.timer_.cancel();
    producer_.resume_producing();
  }
  void stop_producing() override {
    if (stopped_) return;
    stopped_ = true;
    producer_.stop_producing();
  }
  bool stopped() const noexcept { return stopped_; }

 private:
  HttpClientProtocol& protocol_;
  BodyProducer& producer_;
  bool stopped_ = false;
};

HttpClientProtocol::HttpClientProtocol(ClientOptions options)
    : options_(options), parser_(*this, options.limits) {}

HttpClientProtocol::~HttpClientProtocol() {
  // Destroyed with a request in flight (never after connection_lost(), which ends it):
  // the caller's objects may be gone already, so nobody is called back; the body only
  // forgets this source.
  if (in_flight_ && in_flight_->body) in_flight_->body->detach_source();
}

// ---- requests

Deferred<Response> HttpClientProtocol::request(const RequestHead& head) {
  return start(head, RequestBody::none(), std::nullopt, nullptr);
}

Deferred<Response> HttpClientProtocol::request(const RequestHead& head, std::string_view body) {
  if (body.empty()) return start(head, RequestBody::none(), std::nullopt, nullptr);
  return start(head, RequestBody::length(body.size()), body, nullptr);
}

Deferred<Response> HttpClientProtocol::request(const RequestHead& head,
                                               std::unique_ptr<BodyProducer> body) {
  if (body == nullptr) return kit::fail<Response>(misuse("request: the body producer is null"));
  std::optional<std::uint64_t> length = body->length();
  RequestBody framing = length ? RequestBody::length(*length) : RequestBody::chunked();
  return start(head, framing, std::nullopt, std::move(body));
}

Deferred<Response> HttpClientProtocol::start(const RequestHead& head, RequestBody framing,
                                             std::optional<std::string_view> body,
                                             std::unique_ptr<BodyProducer> producer) {
  switch (state_) {
    case State::idle:
      break;
    case State::unconnected:
      return kit::fail<Response>(misuse("request: the connection is not made yet"));
    case State::busy:
      return kit::fail<Response>(
          misuse("request: a request is already in flight on this connection"));
    case State::closing:
    case State::closed:
      return kit::fail<Response>(
          misuse("request: the connection is closed or cannot carry another "
                 "request"));
  }
  if (transport()->disconnecting() || !parser_.reusable()) {
    return kit::fail<Response>(
        misuse("request: the connection is closed or cannot carry another "
               "request"));
  }
  std::unique_ptr<InFlight> in_flight;
  try {
    in_flight = std::make_unique<InFlight>(RequestSerializer(head, framing));
  } catch (const RequestError& e) {
    return kit::fail<Response>(misuse(std::string("request: ") + e.what()));
  }
  std::string out = in_flight->serializer.head();
  if (body) {
    try {
      in_flight->serializer.write_body(*body, out);
      in_flight->serializer.finish(out);
    } catch (const RequestError& e) {
      return kit::fail<Response>(misuse(std::string("request: ") + e.what()));
    }
  }
  in_flight->method = head.method;
  in_flight->request_close = says_close(head.fields);
  parser_.expect_response(head.method);

  const std::uint64_t generation = ++generation_;
  std::weak_ptr<Alive> alive = alive_;  // the caller may cancel after we are gone
  in_flight->response = Deferred<Response>([this, alive, generation](Deferred<Response>&) {
    if (alive.expired()) return;
    if (generation_ != generation || !in_flight_ || in_flight_->head_delivered) return;
    abort(Failure(errc::cancelled, "the request was cancelled"));
  });
  Deferred<Response> result = in_flight->response;
  in_flight_ = std::move(in_flight);
  state_ = State::busy;
  transport()->write(out);

  if (producer == nullptr) {
    request_complete();
    return result;
  }
  InFlight& request = *in_flight_;
  request.producer = std::move(producer);
  request.sink = std::make_unique<Sink>(*this, generation);
  request.flow = std::make_unique<BodyFlow>(*this, *request.producer);
  transport()->register_producer(*request.flow);
  Deferred<void> produced;
  try {
    produced = request.producer->start(*request.sink);
  } catch (...) {
    produced = kit::fail<void>(Failure::current_exception());
  }
  (void)produced.add_both([this, alive, generation](Outcome<void> outcome) {
    if (alive.expired()) return;
    body_produced(generation, std::move(outcome));
  });
  return result;
}

void HttpClientProtocol::write_body_piece(std::string_view data) {
  InFlight& request = *in_flight_;
  if (request.request_complete || request.request_stopped || transport()->disconnecting()) return;
  std::string out;
  try {
    request.serializer.write_body(data, out);
  } catch (const RequestError& e) {
    abort(misuse(std::string("request body: ") + e.what()));
    return;
  }
  if (out.empty()) return;
  transport()->write(out);
}

void HttpClientProtocol::body_produced(std::uint64_t generation, Outcome<void> outcome) {
  if (generation != generation_ || !in_flight_) return;
  InFlight& request = *in_flight_;
  if (request.request_complete || request.request_stopped) return;
  if (outcome.has_failure()) {
    abort(Failure(outcome.failure().code(),
                  "the request body producer failed: " + outcome.failure().what()));
    return;
  }
  std::string out;
  try {
    request.serializer.finish(out);
  } catch (const RequestError& e) {
    abort(misuse(std::string("request body: ") + e.what()));
    return;
  }
  transport()->write(out);
  request_complete();
}

void HttpClientProtocol::request_complete() {
  InFlight& request = *in_flight_;
  request.request_complete = true;
  if (request.flow) {
    transport()->unregister_producer();
    request.flow.reset();
  }
  if (!request.head_delivered && !request.received_any) {
    arm_timer(options_.response_timeout, "the response head");
  }
}

void HttpClientProtocol::stop_sending() {
  InFlight& request = *in_flight_;
  if (request.request_complete || request.request_stopped) return;
  request.request_stopped = true;
  if (request.flow) {
    transport()->unregister_producer();
    request.flow->stop_producing();
  }
}

// ---- failures and timers

void HttpClientProtocol::fail_in_flight(const Failure& reason) {
  timer_.cancel();
  if (!in_flight_) return;
  std::unique_ptr<InFlight> request = std::move(in_flight_);
  if (request->flow && !request->flow->stopped()) request->flow->stop_producing();
  if (!request->head_delivered) {
    request->response.errback(reason);
  } else if (request->body) {
    request->body->finish(reason);
  }
  retired_ = std::move(request);
}

void HttpClientProtocol::abort(const Failure& reason) {
  if (state_ != State::closed) state_ = State::closing;
  if (!abort_reason_) abort_reason_ = reason;
  fail_in_flight(reason);
  if (transport() != nullptr) transport()->abort_connection();
}

void HttpClientProtocol::arm_timer(Duration timeout, std::string what) {
  timer_.cancel();
  waiting_for_ = std::move(what);
  if (timeout <= Duration::zero()) return;
  timer_ = clock().call_later(timeout, [this] { on_timeout(); });
}

void HttpClientProtocol::on_timeout() {
  Duration timeout =
      in_flight_ && in_flight_->head_delivered ? options_.body_timeout : options_.response_timeout;
  abort(Failure(errc::timed_out, "no answer from the server within " + seconds_text(timeout) +
                                     " (waiting for " + waiting_for_ + ")"));
}

void HttpClientProtocol::update_reading() {
  bool pause = in_flight_ && in_flight_->body && !in_flight_->body->wants_data();
  if (state_ == State::closed || transport() == nullptr) return;
  if (pause != reading_paused_) {
    reading_paused_ = pause;
    if (pause) {
      transport()->pause_reading();
    } else {
      transport()->resume_reading();
    }
  }
  if (in_flight_ && in_flight_->body) {
    if (pause) {
      timer_.cancel();  // the consumer holds us back, not the server
    } else if (!timer_.active()) {
      arm_timer(options_.body_timeout, "the response body");
    }
  }
}

// ---- Protocol

void HttpClientProtocol::connection_made() { state_ = State::idle; }

void HttpClientProtocol::data_received(std::string_view data) {
  if (state_ == State::closed || parser_.failed() || eof_fed_) return;
  if (in_flight_) {
    in_flight_->received_any = true;
    if (in_flight_->head_delivered) {
      arm_timer(options_.body_timeout, "the response body");
    } else if (in_flight_->request_complete) {
      arm_timer(options_.response_timeout, "the response head");
    }
  }
  try {
    parser_.feed(data);
  } catch (...) {
    // A callback of the caller's threw out of the parser: the response cannot go on.
    abort(Failure::current_exception());
  }
}

void HttpClientProtocol::read_connection_lost() {
  if (!eof_fed_ && !parser_.failed()) {
    eof_fed_ = true;
    try {
      parser_.feed_eof();
    } catch (...) {
      abort(Failure::current_exception());
    }
  }
  if (state_ != State::closed) {
    if (state_ == State::idle || state_ == State::busy) state_ = State::closing;
    transport()->lose_connection();
  }
}

void HttpClientProtocol::connection_lost(const Failure& reason) {
  // A clean close that came without a half-close first is the server's end of stream.
  if (!eof_fed_ && !abort_reason_ && !parser_.failed() && reason.is(errc::connection_done) &&
      in_flight_) {
    eof_fed_ = true;
    try {
      parser_.feed_eof();
    } catch (...) {
      fail_in_flight(Failure::current_exception());
    }
  }
  state_ = State::closed;
  timer_.cancel();
  if (in_flight_) {
    if (abort_reason_) {
      fail_in_flight(*abort_reason_);
    } else if (!in_flight_->received_any) {
      fail_in_flight(Failure(
          make_error_code(ParseErrorKind::closed_before_response),
          "the connection was lost before any byte of the response (" + reason.what() + ")"));
    } else {
      fail_in_flight(Failure(
          reason.code(), "the connection was lost partway through the response: " + reason.what()));
    }
  }
  if (on_closed_) on_closed_(reason);
}

// ---- ResponseHandler

void HttpClientProtocol::on_status(HttpVersion version, int code, std::string_view reason) {
  if (!in_flight_) return;
  InFlight& request = *in_flight_;
  // A final response before the request body is all sent: stop sending it (RFC 9112 9.5
  // lets a client go on, but the server has answered already).
  if (!request.request_complete) stop_sending();
  request.version = version;
  request.code = code;
  request.reason = std::string(reason);
}

void HttpClientProtocol::on_header(std::string_view name, std::string_view value) {
  if (in_flight_) in_flight_->headers.add(std::string(name), std::string(value));
}

void HttpClientProtocol::on_headers_complete() {
  if (!in_flight_) return;
  timer_.cancel();
  InFlight& request = *in_flight_;
  request.body = std::make_shared<ResponseBody>(context(), transport()->peer(), transport()->host(),
                                                static_cast<BodySource*>(this));
  request.head_delivered = true;
  Deferred<Response> response = request.response;
  const std::uint64_t generation = generation_;
  response.callback(Response(request.version, request.code, std::move(request.reason),
                             std::move(request.headers), request.body));
  // The caller's callback may have ended the request (aborted the connection).
  if (generation != generation_ || !in_flight_ || state_ == State::closed) return;
  update_reading();
}

void HttpClientProtocol::on_body(std::string_view data) {
  if (in_flight_ && in_flight_->body) in_flight_->body->push(data);
}

void HttpClientProtocol::on_trailer(std::string_view name, std::string_view value) {
  if (in_flight_ && in_flight_->body) in_flight_->body->add_trailer(name, value);
}

void HttpClientProtocol::on_message_complete() {
  if (!in_flight_) return;
  timer_.cancel();
  std::unique_ptr<InFlight> request = std::move(in_flight_);
  std::shared_ptr<ResponseBody> body = std::move(request->body);
  const bool reuse = parser_.reusable() && request->request_complete && !request->request_stopped &&
                     !request->request_close && !transport()->disconnecting();
  state_ = reuse ? State::idle : State::closing;
  if (reading_paused_) {
    reading_paused_ = false;
    transport()->resume_reading();
  }
  if (!reuse) transport()->lose_connection();
  retired_ = std::move(request);
  // The pool hears first, so that a next request sent from the body's end finds the
  // connection pooled; the body is complete either way.
  if (state_ == State::idle && on_idle_) on_idle_(*this);
  if (body) body->finish(Failure(errc::connection_done, "the response body is complete"));
}

void HttpClientProtocol::on_error(const ParseError& error) {
  Failure failure(make_error_code(error.kind()), error.what());
  if (!in_flight_) {
    // Bytes when no response was expected: nothing to fail, the connection is done.
    state_ = State::closing;
    abort_reason_ = failure;
    transport()->abort_connection();
    return;
  }
  abort(failure);
}

// ---- BodySource

void HttpClientProtocol::body_demand_changed() { update_reading(); }

void HttpClientProtocol::stop_body() {
  Failure reason(errc::cancelled, "the response body was stopped");
  if (state_ != State::closed) state_ = State::closing;
  if (!abort_reason_) abort_reason_ = reason;
  timer_.cancel();
  // The body hears the end from connection_lost(), never inside the consumer's call.
  transport()->abort_connection();
}

}  // namespace kit::http
