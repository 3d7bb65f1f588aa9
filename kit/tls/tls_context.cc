#include "kit/tls/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "kit/tls/openssl_error.h"

namespace kit::tls {
namespace {

int native_version(TlsVersion version) {
  return version == TlsVersion::tls1_2 ? TLS1_2_VERSION : TLS1_3_VERSION;
}

// check_readable: a clear "cannot read" with the system's reason, before OpenSSL's terser
// "no such file" or "system lib" gets a chance.
void check_readable(std::string_view what, const std::string& path) {
  if (path.empty()) throw TlsContextError("no " + std::string(what) + " file given");
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw TlsContextError("cannot read the " + std::string(what) + " file '" + path +
                          "': " + std::strerror(errno));
  }
  std::fclose(file);
}

std::shared_ptr<ssl_ctx_st> make_context(const SSL_METHOD* method, TlsVersion min, TlsVersion max,
                                         const std::optional<Duration>& handshake_timeout) {
  if (handshake_timeout && *handshake_timeout <= Duration::zero()) {
    throw TlsContextError("the TLS handshake timeout must be positive");
  }
  if (native_version(min) > native_version(max)) {
    throw TlsContextError("the TLS minimum version " + std::string(to_string(min)) +
                          " is above the maximum " + std::string(to_string(max)));
  }
  ERR_clear_error();
  SSL_CTX* context = SSL_CTX_new(method);
  if (context == nullptr) {
    throw TlsContextError("cannot make a TLS context: " + openssl_error());
  }
  std::shared_ptr<ssl_ctx_st> owned(context, SSL_CTX_free);
  SSL_CTX_set_min_proto_version(context, native_version(min));
  SSL_CTX_set_max_proto_version(context, native_version(max));
  SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION);
  return owned;
}

}  // namespace

std::string_view to_string(TlsVersion version) noexcept {
  return version == TlsVersion::tls1_2 ? "TLSv1.2" : "TLSv1.3";
}

TlsContext::TlsContext(std::shared_ptr<ssl_ctx_st> context, bool server, bool verifies,
                       std::optional<Duration> handshake_timeout)
    : context_(std::move(context)),
      server_(server),
      verifies_(verifies),
      handshake_timeout_(handshake_timeout) {}

TlsContext TlsContext::client(const TlsClientOptions& options) {
  std::shared_ptr<ssl_ctx_st> context = make_context(
      TLS_client_method(), options.min_version, options.max_version, options.handshake_timeout);
  if (options.insecure) {
    SSL_CTX_set_verify(context.get(), SSL_VERIFY_NONE, nullptr);
    return TlsContext(std::move(context), false, false, options.handshake_timeout);
  }
  if (options.ca_files.empty()) {
    if (SSL_CTX_set_default_verify_paths(context.get()) != 1) {
      throw TlsContextError("cannot load the system's CA store: " + openssl_error());
    }
  }
  for (const std::string& file : options.ca_files) {
    check_readable("CA certificate", file);
    if (SSL_CTX_load_verify_locations(context.get(), file.c_str(), nullptr) != 1) {
      throw TlsContextError("cannot load CA certificates from '" + file +
                            "': " + openssl_error("no certificate found"));
    }
  }
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
  return TlsContext(std::move(context), false, true, options.handshake_timeout);
}

TlsContext TlsContext::server(const TlsServerOptions& options) {
  std::shared_ptr<ssl_ctx_st> context = make_context(
      TLS_server_method(), options.min_version, options.max_version, options.handshake_timeout);
  const std::string& chain = options.certificate_chain_file;
  const std::string& key = options.private_key_file;
  // No TLS 1.3 session tickets: there is no resumption to offer, and a ticket written
  // after the handshake into a connection the client already closed (a request, then its
  // close) would make the client's kernel reset it, and the server hear a broken pipe
  // instead of the client's clean end.
  SSL_CTX_set_num_tickets(context.get(), 0);
  check_readable("certificate", chain);
  check_readable("private key", key);
  if (SSL_CTX_use_certificate_chain_file(context.get(), chain.c_str()) != 1) {
    throw TlsContextError("cannot load the certificate chain from '" + chain +
                          "': " + openssl_error("no certificate found"));
  }
  if (SSL_CTX_use_PrivateKey_file(context.get(), key.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      throw TlsContextError("the private key in '" + key + "' does not match the certificate in '" +
                            chain + "'");
    }
    throw TlsContextError("cannot load the private key from '" + key +
                          "': " + openssl_error("no private key found"));
  }
  if (SSL_CTX_check_private_key(context.get()) != 1) {
    throw TlsContextError("the private key in '" + key + "' does not match the certificate in '" +
                          chain + "': " + openssl_error());
  }
  return TlsContext(std::move(context), true, false, options.handshake_timeout);
}

}  // namespace kit::tls
