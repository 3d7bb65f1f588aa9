// kit::tls::errc: what went wrong in a TLS layer, as the code of the Failure its protocol
// hears in connection_lost() (kit/failure.h). The Failure's message says the detail, so
// that what() reads "certificate verify failed: hostname mismatch: TLS handshake failed",
// "tlsv1 alert unknown ca: TLS handshake failed" or "the peer closed the connection
// without a close_notify: TLS stream truncated".
//
// A TLS error is never errc::connection_done: a stream the peer ended without close_notify
// is errc::truncated, so a protocol that reads to the end of the stream (a close-delimited
// HTTP body) cannot mistake a cut connection for a complete answer.
//
// Thread safety: values; the category is immutable.
#ifndef KIT_TLS_TLS_ERROR_H_
#define KIT_TLS_TLS_ERROR_H_

#include <system_error>

namespace kit::tls {

enum class errc {
  handshake_failed = 1,       // the handshake failed (no common version, an alert, garbage)
  certificate_verify_failed,  // the peer's certificate chain or host name did not verify
  truncated,                  // the peer ended the stream without a close_notify
  protocol_error,             // a bad record or alert after the handshake
};

const std::error_category& tls_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

}  // namespace kit::tls

namespace std {
template <>
struct is_error_code_enum<kit::tls::errc> : true_type {};
}  // namespace std

#endif  // KIT_TLS_TLS_ERROR_H_
