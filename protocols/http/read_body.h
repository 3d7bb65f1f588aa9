// read_body: collects a response's body into a string (Twisted's readBody).
//
//   client.request(head).add_callback([](Response r) { return read_body(r); })
//       .add_callback([](std::string body) { ... });
//
// The Deferred fires with the whole body once it is complete, or fails with the reason
// the body ended otherwise (truncated, a reset, a timeout...). A body longer than
// `max_size` is stopped (the connection is aborted) and fails with
// ParseErrorKind::limit_exceeded, so a server cannot make it hold more.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_HTTP_READ_BODY_H_
#define KIT_PROTOCOLS_HTTP_READ_BODY_H_

#include <cstddef>
#include <string>

#include "kit/deferred.h"
#include "protocols/http/response.h"

namespace kit::http {

inline constexpr std::size_t default_max_body_size = 64 * 1024 * 1024;

Deferred<std::string> read_body(const Response& response,
                                std::size_t max_size = default_max_body_size);

}  // namespace kit::http

#endif  // KIT_PROTOCOLS_HTTP_READ_BODY_H_
