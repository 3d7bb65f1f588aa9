// TlsContext: the configuration every connection of one side shares -- a client's trust
// roots and verification, or a server's certificate and key -- made once, so a file is
// read and checked when the context is made, not per connection (an OpenSSL SSL_CTX).
//
//   auto client = kit::tls::TlsContext::client();  // the system's CA store, verified
//   auto pinned = kit::tls::TlsContext::client({.ca_files = {"ca.pem"}});
//   auto server = kit::tls::TlsContext::server(
//       {.certificate_chain_file = "cert.pem", .private_key_file = "key.pem"});
//
// A client verifies by default: the peer's chain against the trust roots (the system's
// store, or ca_files instead of it) and the host name given to each TlsWrapper (DNS name
// or IP address, checked against the certificate's subjectAltName). `insecure` turns all
// of it off, and nothing else does. Versions are TLS 1.2 and 1.3 unless narrowed.
// Renegotiation is refused. A server issues no TLS 1.3 session tickets (no resumption).
// A handshake that has not completed within `handshake_timeout` (on the connection's
// clock) aborts the connection with errc::timed_out, so a peer that stalls mid-handshake
// cannot hold it forever; std::nullopt waits without end.
//
// A bad or missing file, a key that does not match its certificate, or an impossible
// version range throws TlsContextError naming the file and what is wrong with it.
//
// Copies share one SSL_CTX. Thread safety: a context may be shared by connections on any
// thread once made (OpenSSL's SSL_CTX is, once configured).
#ifndef KIT_TLS_TLS_CONTEXT_H_
#define KIT_TLS_TLS_CONTEXT_H_

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kit/time.h"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX; only kit/tls/*.cc include OpenSSL

namespace kit::tls {

enum class TlsVersion { tls1_2, tls1_3 };

// to_string: "TLSv1.2", "TLSv1.3" (OpenSSL's names).
std::string_view to_string(TlsVersion version) noexcept;

struct TlsClientOptions {
  // Trust roots (PEM files of CA certificates), used instead of the system's store; empty:
  // the system's store (OpenSSL's default paths, SSL_CERT_FILE and SSL_CERT_DIR honoured).
  std::vector<std::string> ca_files;
  // Accept any certificate for any host name: no verification at all.
  bool insecure = false;
  TlsVersion min_version = TlsVersion::tls1_2;
  TlsVersion max_version = TlsVersion::tls1_3;
  std::optional<Duration> handshake_timeout = std::chrono::seconds(30);
};

struct TlsServerOptions {
  // PEM: the server's certificate, then any intermediates.
  std::string certificate_chain_file;
  // PEM: its private key (may be the same file as the chain).
  std::string private_key_file;
  TlsVersion min_version = TlsVersion::tls1_2;
  TlsVersion max_version = TlsVersion::tls1_3;
  std::optional<Duration> handshake_timeout = std::chrono::seconds(30);
};

class TlsContextError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TlsContext {
 public:
  // Throw TlsContextError (see above).
  static TlsContext client(const TlsClientOptions& options = {});
  static TlsContext server(const TlsServerOptions& options);

  bool is_server() const noexcept { return server_; }
  // verifies: a client that checks the peer's certificate and host name (not insecure).
  bool verifies() const noexcept { return verifies_; }
  const std::optional<Duration>& handshake_timeout() const noexcept { return handshake_timeout_; }
  // native: the SSL_CTX, for kit/tls's own use (and anything OpenSSL-specific).
  ssl_ctx_st* native() const noexcept { return context_.get(); }

 private:
  TlsContext(std::shared_ptr<ssl_ctx_st> context, bool server, bool verifies,
             std::optional<Duration> handshake_timeout);

  std::shared_ptr<ssl_ctx_st> context_;
  bool server_;
  bool verifies_;
  std::optional<Duration> handshake_timeout_;
};

}  // namespace kit::tls

#endif  // KIT_TLS_TLS_CONTEXT_H_
