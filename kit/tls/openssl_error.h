// openssl_error: the reason of the first error OpenSSL queued on this thread, as one short
// line ("tlsv1 alert unknown ca"), for the messages of TLS failures. Clears the queue, so
// a later operation does not report an older error as its own.
//
// Thread safety: OpenSSL's error queue is per thread.
#ifndef KIT_TLS_OPENSSL_ERROR_H_
#define KIT_TLS_OPENSSL_ERROR_H_

#include <string>
#include <string_view>

namespace kit::tls {

// openssl_error: the first queued error's reason (the cause), or `fallback` when none is queued.
std::string openssl_error(std::string_view fallback = "unknown OpenSSL error");

}  // namespace kit::tls

#endif  // KIT_TLS_OPENSSL_ERROR_H_
