// Response: the head of an HTTP response (status, reason, version, headers) and the
// handle through which its body is delivered (Twisted's Response.deliverBody).
//
// The client protocol fires its Deferred<Response> as soon as the header section has
// been read; the body follows, through deliver_body(consumer). The consumer is a plain
// kit::Protocol, given a transport of its own (the body's, not the connection's):
//
//  - connection_made(), then data_received() with the decoded body bytes (chunk framing
//    removed), then connection_lost(reason) once, last. The reason is
//      errc::connection_done                  the body is complete;
//      ParseErrorKind::truncated              the server closed cleanly before the end
//                                             its framing promised;
//      anything else                          an error: a reset (errc::connection_lost
//                                             or the system's code), a protocol error
//                                             (a ParseErrorKind), errc::timed_out,
//                                             errc::cancelled (the body was stopped).
//  - pause_reading() / resume_reading() on its transport pause the connection's reading:
//    a slow consumer holds the server back (TCP flow control), and the body read timeout
//    does not run while it is paused. resume_reading() may deliver bytes held in the
//    meantime before it returns (at most one read of the connection's).
//  - lose_connection() or abort_connection() on it stops the body: the connection is
//    aborted (the rest of the body would otherwise have to be read) and the consumer
//    hears connection_lost(errc::cancelled) afterwards, never inside the call.
//  - write() and the producer calls do nothing: a response body carries nothing back.
//    peer(), host() and context() are the connection's.
//
// Why not a kit::ProtocolWrapper: a wrapper lives as long as its connection and wraps one
// protocol from connection_made() on, while a body consumer comes and goes with each
// response on a connection that may carry many, and may be attached after the body has
// ended. The consumer still sees the transport/protocol contract of kit/transport.h, so
// any protocol (a line receiver, a file writer) can consume a body unchanged.
//
// Bytes that arrive before deliver_body() (the rest of the read that held the head) are
// kept and handed over first; the connection stops reading until a consumer is there. A
// body may be delivered after the connection is gone: the consumer then gets what was
// kept and the reason the body ended.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_HTTP_RESPONSE_H_
#define KIT_PROTOCOLS_HTTP_RESPONSE_H_

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "kit/address.h"
#include "kit/context.h"
#include "kit/failure.h"
#include "kit/protocol.h"
#include "kit/transport.h"
#include "protocols/http/headers.h"
#include "protocols/http/response_handler.h"

namespace kit::http {

// BodySource: the connection a body is read from, as the body sees it.
class BodySource {
 public:
  virtual ~BodySource() = default;
  // body_demand_changed: ResponseBody::wants_data() may have changed.
  virtual void body_demand_changed() = 0;
  // stop_body: the consumer stopped the body; abort the connection and finish() the body.
  virtual void stop_body() = 0;
};

// ResponseBody: one response's body on its way to a consumer; shared by the connection
// (which pushes bytes in) and every copy of the Response.
class ResponseBody : public std::enable_shared_from_this<ResponseBody> {
 public:
  ResponseBody(Context& context, Address peer, Address host, BodySource* source);
  ResponseBody(const ResponseBody&) = delete;
  ResponseBody& operator=(const ResponseBody&) = delete;
  ~ResponseBody();

  // ---- from the connection
  void push(std::string_view data);
  void add_trailer(std::string_view name, std::string_view value);
  // finish: the body ended for `reason` (connection_done when complete); the source is
  // forgotten. Later calls do nothing.
  void finish(Failure reason);
  // detach_source: the source is going away without finishing the body (its protocol
  // destroyed while connected): nothing more will come, and the body stops keeping
  // itself alive for its consumer.
  void detach_source() noexcept;
  // wants_data: a consumer is attached, has not paused and nothing is held for it.
  bool wants_data() const noexcept;
  bool finished() const noexcept { return end_.has_value(); }

  // ---- from the user (through Response)
  void deliver(Protocol& consumer);
  bool delivered() const noexcept { return consumer_ != nullptr; }
  // trailers: the trailer fields of a chunked body (complete once the body is).
  const Headers& trailers() const noexcept { return trailers_; }

 private:
  class ConsumerTransport final : public Transport {
   public:
    explicit ConsumerTransport(ResponseBody& body) : body_(body) {}
    void write(std::string_view) override {}
    void write_sequence(std::span<const std::string_view>) override {}
    void lose_connection() override { body_.stop(); }
    void abort_connection() override { body_.stop(); }
    void half_close() override {}
    Address peer() const override { return body_.peer_; }
    Address host() const override { return body_.host_; }
    void pause_reading() override { body_.set_paused(true); }
    void resume_reading() override { body_.set_paused(false); }
    void register_producer(Producer&) override {}
    void unregister_producer() override {}
    std::size_t write_buffer_size() const override { return 0; }
    void set_write_buffer_limits(std::size_t, std::size_t) override {}
    void set_back_pressure(bool) override {}
    bool disconnecting() const override { return body_.stopped_ || body_.end_delivered_; }
    Context& context() override { return body_.context_; }

   private:
    ResponseBody& body_;
  };

  void stop();
  void set_paused(bool paused);
  // flush: hands held bytes, then the end, to the consumer while it is not paused.
  void flush();
  void deliver_end();
  // end_later: deliver_end() on the clock's next turn (never inside the consumer's call).
  void end_later();
  void demand_changed();

  Context& context_;
  Address peer_;
  Address host_;
  BodySource* source_;
  ConsumerTransport transport_{*this};
  Protocol* consumer_ = nullptr;
  std::string held_;
  std::optional<Failure> end_;
  Headers trailers_;
  bool paused_ = false;
  bool stopped_ = false;
  bool flushing_ = false;
  bool end_delivered_ = false;
  // Keeps the body alive while a consumer is attached and has not heard the end, even
  // when every Response copy is gone.
  std::shared_ptr<ResponseBody> self_;
};

class Response {
 public:
  Response(HttpVersion version, int code, std::string reason, Headers headers,
           std::shared_ptr<ResponseBody> body);

  HttpVersion version() const noexcept { return version_; }
  int code() const noexcept { return code_; }
  const std::string& reason() const noexcept { return reason_; }
  const Headers& headers() const noexcept { return headers_; }

  // deliver_body: hands the body to `consumer` (see above), which must stay alive until
  // its connection_lost() has returned. Once per response: a second call throws
  // std::logic_error.
  void deliver_body(Protocol& consumer) const;

  // trailers: the trailer fields of a chunked body, complete once the body is.
  const Headers& trailers() const noexcept { return body_->trailers(); }

  const std::shared_ptr<ResponseBody>& body() const noexcept { return body_; }

 private:
  HttpVersion version_;
  int code_;
  std::string reason_;
  Headers headers_;
  std::shared_ptr<ResponseBody> body_;
};

}  // namespace kit::http

#endif  // KIT_PROTOCOLS_HTTP_RESPONSE_H_
