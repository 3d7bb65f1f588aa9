// BodyProducer: a request body streamed to the connection (Twisted's IBodyProducer).
//
// The client protocol calls start() once, with a sink to write the body to; the producer
// writes at its own pace and fires the returned Deferred when the whole body is written
// (or errbacks it when it cannot produce the rest). It is a kit::Producer: the
// connection's write buffer pauses and resumes it, and stop_producing() means the request
// ended early (an early response, a failure, cancellation) -- write nothing more.
//
// length() frames the request: a known length is sent as Content-Length and must be met
// exactly; nullopt sends the body chunked. A producer that writes more than its length,
// or finishes short of it, is the caller's error: the request fails and the connection is
// aborted, with nothing malformed sent.
//
// Thread safety: the reactor's thread.
#ifndef KIT_PROTOCOLS_HTTP_BODY_PRODUCER_H_
#define KIT_PROTOCOLS_HTTP_BODY_PRODUCER_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "kit/deferred.h"
#include "kit/producer.h"

namespace kit::http {

// BodySink: where a BodyProducer writes the body. Writes after the request ended are
// ignored.
class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual void write(std::string_view data) = 0;
};

class BodyProducer : public Producer {
 public:
  // length: the body's size in bytes, or nullopt when it is not known in advance.
  virtual std::optional<std::uint64_t> length() const = 0;
  // start: begins writing to `sink`, which stays valid until the Deferred fires or
  // stop_producing() is called.
  virtual Deferred<void> start(BodySink& sink) = 0;
};

}  // namespace kit::http

#endif  // KIT_PROTOCOLS_HTTP_BODY_PRODUCER_H_
