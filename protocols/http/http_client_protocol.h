// HttpClientProtocol: the client side of one HTTP/1.1 connection (RFC 9112), on any
// kit::Transport -- a live socket, a TLS layer, a StringTransport.
//
// One request at a time (Twisted's HTTP11ClientProtocol): request() writes it with a
// RequestSerializer -- the body from a string (Content-Length) or streamed from a
// BodyProducer -- and returns a Deferred<Response> that fires when the response head has
// been read by the ResponseParser. The body then goes to a consumer with back-pressure
// (Response::deliver_body, see response.h). The states, all in this file:
//
//   idle --request()--> busy --response complete, reusable--> idle (on_idle)
//                         \--response complete, not reusable--> closing --> closed
//   any --> closed   (the connection lost, a peer error, a timeout, cancellation)
//
// - A second request while one is in flight, or on a connection that is closed or cannot
//   carry another (the last response said close), fails at once with
//   ParseErrorKind::caller_misuse; so does a request the serializer refuses (a bad field,
//   a body producer that writes more or fewer bytes than its length -- then the
//   connection is aborted, with nothing malformed sent).
// - A response that comes before the request body is fully sent (an early 401 or 413) is
//   delivered: the body producer is stopped, and the connection is closed once the
//   response is complete (the server's view of the request is unknown).
// - Reuse: once a response is complete, the request was complete and did not say
//   Connection: close, and the parser says reusable() (no Connection: close, a framed
//   body...), the connection is idle again and on_idle runs -- before the body's consumer
//   hears the end, so that a request sent from there finds the connection in its pool.
//   Otherwise it closes.
// - Close-delimited bodies: a clean close ends them (errc::connection_done to the
//   consumer); a reset, or any non-clean end such as a TLS truncation, is an error. A
//   clean close before the framing's end is ParseErrorKind::truncated; before any byte
//   of the response it is closed_before_response (also for a reset: the request may be
//   retried if idempotent), a reset partway is the transport's own reason.
// - Timeouts, on the connection's clock (zero: none): options.response_timeout for each
//   wait for the server while the request is outstanding -- while the transport holds a
//   streamed body back (the server not reading it; a producer slow on its own does not
//   count), then for the response head, from the end of the request and from each read
//   of the head -- and options.body_timeout for each wait for body bytes while the
//   consumer wants them (not while it has paused). On expiry the request fails with
//   errc::timed_out and the connection is aborted.
// - Cancellation: cancelling the Deferred before the head aborts the connection and fails
//   it with errc::cancelled; stopping the body (the consumer's lose_connection()) does
//   the same for the body.
// - Bad input from the server fails the request (or the body) with the parser's error
//   and aborts the connection.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_HTTP_HTTP_CLIENT_PROTOCOL_H_
#define KIT_PROTOCOLS_HTTP_HTTP_CLIENT_PROTOCOL_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kit/deferred.h"
#include "kit/delayed_call.h"
#include "kit/failure.h"
#include "kit/producer.h"
#include "kit/protocol.h"
#include "kit/time.h"
#include "protocols/http/body_producer.h"
#include "protocols/http/headers.h"
#include "protocols/http/request_serializer.h"
#include "protocols/http/response.h"
#include "protocols/http/response_handler.h"
#include "protocols/http/response_parser.h"

namespace kit::http {

struct ClientOptions {
  ParserLimits limits;
  // response_timeout: the longest wait for the server while a request is outstanding
  // (while it holds a streamed body back, then for each read of the response head).
  Duration response_timeout = std::chrono::seconds(30);
  // body_timeout: the longest wait for the next body bytes while the consumer wants them.
  Duration body_timeout = std::chrono::seconds(30);
};

class HttpClientProtocol : public Protocol, private ResponseHandler, private BodySource {
 public:
  enum class State { unconnected, idle, busy, closing, closed };

  explicit HttpClientProtocol(ClientOptions options = {});
  ~HttpClientProtocol() override;

  // request: sends a request without a body (Content-Length: 0 for POST, PUT, PATCH).
  Deferred<Response> request(const RequestHead& head);
  // request: sends `body` with Content-Length (an empty one as the overload above).
  Deferred<Response> request(const RequestHead& head, std::string_view body);
  // request: streams the body from `body` (Content-Length when its length() is known,
  // chunked otherwise). The protocol keeps the producer until the request ends.
  Deferred<Response> request(const RequestHead& head, std::unique_ptr<BodyProducer> body);

  State state() const noexcept { return state_; }
  // idle: connected, nothing in flight, and able to carry a request.
  bool idle() const noexcept { return state_ == State::idle; }

  // on_idle: runs each time a response completes and the connection is idle again
  // (before the body's consumer hears the end). A pool takes the connection back.
  void set_on_idle(std::function<void(HttpClientProtocol&)> fn) { on_idle_ = std::move(fn); }
  // on_closed: runs from connection_lost(), with its reason.
  void set_on_closed(std::function<void(const Failure&)> fn) { on_closed_ = std::move(fn); }

  // ---- Protocol
  void connection_made() override;
  void data_received(std::string_view data) override;
  void read_connection_lost() override;
  void connection_lost(const Failure& reason) override;

 private:
  // The request in flight.
  struct InFlight;
  class Sink;
  class BodyFlow;  // the producer registered on the transport while a body streams
  struct Alive {};

  Deferred<Response> start(const RequestHead& head, RequestBody framing,
                           std::optional<std::string_view> body,
                           std::unique_ptr<BodyProducer> producer);
  void write_body_piece(std::string_view data);
  void body_produced(std::uint64_t generation, Outcome<void> outcome);
  void request_complete();
  // stop_sending: the request body ends here, unsent (early response, failure).
  void stop_sending();

  // fail_in_flight: the request in flight (its Deferred, or its body) fails with `reason`.
  void fail_in_flight(const Failure& reason);
  // abort: fails what is in flight with `reason` and aborts the connection.
  void abort(const Failure& reason);
  void arm_timer(Duration timeout, std::string what);
  void on_timeout();
  void update_reading();

  // ---- ResponseHandler
  void on_status(HttpVersion version, int code, std::string_view reason) override;
  void on_header(std::string_view name, std::string_view value) override;
  void on_headers_complete() override;
  void on_body(std::string_view data) override;
  void on_trailer(std::string_view name, std::string_view value) override;
  void on_message_complete() override;
  void on_error(const ParseError& error) override;

  // ---- BodySource
  void body_demand_changed() override;
  void stop_body() override;

  ClientOptions options_;
  ResponseParser parser_;
  State state_ = State::unconnected;
  std::unique_ptr<InFlight> in_flight_;
  // The last request ended, kept until the next one ends: its producer may still be on
  // the stack (a write that failed the request).
  std::unique_ptr<InFlight> retired_;
  std::uint64_t generation_ = 0;  // of requests, so a late producer answer is ignored
  bool eof_fed_ = false;
  bool reading_paused_ = false;
  std::optional<Failure> abort_reason_;  // why we aborted, for connection_lost()
  DelayedCall timer_;
  std::string waiting_for_;
  std::function<void(HttpClientProtocol&)> on_idle_;
  std::function<void(const Failure&)> on_closed_;
  std::shared_ptr<Alive> alive_ = std::make_shared<Alive>();
};

// to_string: "idle", "busy"...
std::string_view to_string(HttpClientProtocol::State state) noexcept;

}  // namespace kit::http

#endif  // KIT_PROTOCOLS_HTTP_HTTP_CLIENT_PROTOCOL_H_
