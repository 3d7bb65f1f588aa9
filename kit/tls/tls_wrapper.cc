#include "kit/tls/tls_wrapper.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <climits>
#include <stdexcept>
#include <utility>

#include "kit/time.h"
#include "kit/tls/openssl_error.h"
#include "kit/tls/tls_error.h"

namespace kit::tls {

void TlsWrapper::SslDeleter::operator()(ssl_st* ssl) const noexcept { SSL_free(ssl); }

TlsWrapper::TlsWrapper(std::unique_ptr<Protocol> wrapped, const TlsContext& context,
                       std::string server_name, WrappingFactory* factory)
    : ProtocolWrapper(std::move(wrapped), factory),
      server_name_(std::move(server_name)),
      handshake_timeout_(context.handshake_timeout()),
      client_(!context.is_server()) {
  if (client_ && context.verifies() && server_name_.empty()) {
    throw std::invalid_argument(
        "TlsWrapper: a verifying TLS client needs the server's host name (or an insecure "
        "context)");
  }
  ERR_clear_error();
  ssl_.reset(SSL_new(context.native()));
  in_ = BIO_new(BIO_s_mem());
  out_ = BIO_new(BIO_s_mem());
  if (!ssl_ || in_ == nullptr || out_ == nullptr) {
    BIO_free(in_);
    BIO_free(out_);
    throw std::runtime_error("TlsWrapper: cannot make a TLS connection: " + openssl_error());
  }
  // An empty input BIO asks for more rather than reporting the end of the stream: the
  // stream's end comes from below, and this layer decides what it means.
  BIO_set_mem_eof_return(in_, -1);
  BIO_set_mem_eof_return(out_, -1);
  SSL_set_bio(ssl_.get(), in_, out_);
  if (!client_) {
    SSL_set_accept_state(ssl_.get());
    return;
  }
  SSL_set_connect_state(ssl_.get());
  if (server_name_.empty()) return;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl_.get());
  // An IP address is checked as one and never sent as SNI (RFC 6066 section 3).
  if (X509_VERIFY_PARAM_set1_ip_asc(param, server_name_.c_str()) == 1) return;
  ERR_clear_error();
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (context.verifies() && X509_VERIFY_PARAM_set1_host(param, server_name_.c_str(), 0) != 1) {
    throw std::invalid_argument("TlsWrapper: '" + server_name_ + "' is not a host name");
  }
  if (SSL_set_tlsext_host_name(ssl_.get(), server_name_.c_str()) != 1) {
    throw std::invalid_argument("TlsWrapper: '" + server_name_ +
                                "' cannot be sent as a TLS server name: " + openssl_error());
  }
}

TlsWrapper::~TlsWrapper() = default;

std::string TlsWrapper::version() const {
  return handshake_done_ ? std::string(SSL_get_version(ssl_.get())) : std::string();
}

std::string TlsWrapper::server_name() const {
  const char* name = SSL_get_servername(ssl_.get(), TLSEXT_NAMETYPE_host_name);
  return name != nullptr ? std::string(name) : std::string();
}

// ---------------------------------------------------------------- from below

void TlsWrapper::connection_made() {
  if (handshake_timeout_) {
    handshake_timer_ = context().clock().call_later(*handshake_timeout_, [this] {
      if (handshake_done_ || failure_ || aborted_ || lost_) return;
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*handshake_timeout_);
      failure_.emplace(kit::errc::timed_out, "the TLS handshake did not complete in " +
                                                 std::to_string(ms.count()) + " ms");
      pending_.clear();
      // A peer that stalls its handshake may not read either: no waiting for a flush.
      lower().abort_connection();
    });
  }
  ProtocolWrapper::connection_made();  // the protocol may write (held) or close already
  advance();                           // the client's hello
}

void TlsWrapper::data_received(std::string_view data) {
  // Bytes after a failure, our close, or the peer's close_notify mean nothing any more.
  if (lost_ || aborted_ || failure_ || received_close_notify_) return;
  while (!data.empty()) {
    const int size = static_cast<int>(std::min<std::size_t>(data.size(), INT_MAX));
    const int written = BIO_write(in_, data.data(), size);
    if (written <= 0) {
      fail(errc::protocol_error, "cannot buffer TLS input: " + openssl_error());
      return;
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  advance();
}

void TlsWrapper::read_connection_lost() {
  peer_eof_ = true;
  advance();  // what is buffered first; then the end is a close_notify or a truncation
}

void TlsWrapper::connection_lost(const Failure& reason) {
  resume_call_.cancel();
  handshake_timer_.cancel();
  if (reason.is(kit::errc::connection_done)) peer_eof_ = true;
  // Deliver what was decrypted but not yet read (and the peer's close_notify), unless the
  // protocol is paused or closing: it hears nothing more then.
  if (!lost_ && reason.is(kit::errc::connection_done)) advance();
  lost_ = true;
  flow_.release();
  ProtocolWrapper::connection_lost(final_reason(reason));
}

Failure TlsWrapper::final_reason(const Failure& below) const {
  if (failure_) return *failure_;
  if (!below.is(kit::errc::connection_done)) return below;
  if (!handshake_done_) {
    return Failure(errc::handshake_failed, "the connection closed before the handshake completed");
  }
  if (received_close_notify_ || close_requested_) return below;
  return Failure(errc::truncated, "the peer closed the connection without a close_notify");
}

// ---------------------------------------------------------------- from above

bool TlsWrapper::write_shut() const noexcept {
  return close_requested_ || half_close_requested_ || aborted_ || lost_ || failure_.has_value();
}

void TlsWrapper::write(std::string_view data) {
  if (write_shut() || data.empty() || transport() == nullptr || lower().disconnecting()) return;
  if (!handshake_done_ || !pending_.empty()) {
    pending_.append(data);
  } else {
    encrypt(data);
    flush_out();
  }
  update_flow();
}

void TlsWrapper::write_sequence(std::span<const std::string_view> pieces) {
  // One record for many small pieces, rather than a record (and its overhead) each.
  std::size_t size = 0;
  for (std::string_view piece : pieces) size += piece.size();
  std::string joined;
  joined.reserve(size);
  for (std::string_view piece : pieces) joined.append(piece);
  write(joined);
}

void TlsWrapper::lose_connection() {
  if (close_requested_ || aborted_ || lost_) return;
  close_requested_ = true;
  resume_call_.cancel();
  advance();
}

void TlsWrapper::abort_connection() {
  if (aborted_ || lost_) return;
  aborted_ = true;
  pending_.clear();
  resume_call_.cancel();
  lower().abort_connection();
}

void TlsWrapper::half_close() {
  if (write_shut()) return;
  half_close_requested_ = true;
  advance();
}

void TlsWrapper::pause_reading() {
  paused_above_ = true;
  sync_lower_pause();
}

void TlsWrapper::resume_reading() {
  paused_above_ = false;
  sync_lower_pause();
  // Held plaintext (or a held end) comes from the clock, not from inside this request.
  if (!resume_call_.active() && !lost_ && input_pending()) {
    resume_call_ = context().clock().call_later(Duration::zero(), [this] { advance(); });
  }
}

void TlsWrapper::register_producer(Producer& producer) {
  flow_.register_producer(producer, "TlsWrapper");
  ProtocolWrapper::register_producer(producer);
  update_flow();
}

void TlsWrapper::unregister_producer() {
  flow_.unregister_producer();
  ProtocolWrapper::unregister_producer();
}

void TlsWrapper::set_write_buffer_limits(std::size_t high, std::size_t low) {
  flow_.set_limits(high, low, "TlsWrapper");
  ProtocolWrapper::set_write_buffer_limits(high, low);
  update_flow();
}

bool TlsWrapper::disconnecting() const {
  return close_requested_ || aborted_ || failure_.has_value() || ProtocolWrapper::disconnecting();
}

std::size_t TlsWrapper::buffered_here() const { return pending_.size() + BIO_ctrl_pending(out_); }

void TlsWrapper::stop_above() {
  flow_.release();
  ProtocolWrapper::stop_above();
}

// ---------------------------------------------------------------- the state machine

void TlsWrapper::advance() {
  if (advancing_) {
    again_ = true;
    return;
  }
  advancing_ = true;
  struct Done {
    bool& flag;
    ~Done() { flag = false; }
  } done{advancing_};
  do {
    again_ = false;
    step();
  } while (again_);
}

void TlsWrapper::step() {
  if (aborted_ || transport() == nullptr) return;
  if (failure_) return;
  if (!handshake_done_ && !do_handshake()) return;
  encrypt_pending();
  if ((close_requested_ || half_close_requested_) && !sent_close_notify_ && !failure_) {
    send_close_notify();
  }
  // A close after our half-close: close_notify went already; the transport below goes now.
  if (sent_close_notify_ && close_requested_) lower().lose_connection();
  read_plaintext();
  flush_out();
  // Both directions shut cleanly: nothing more can pass, so the transport below can go.
  if (sent_close_notify_ && received_close_notify_ && !failure_) lower().lose_connection();
  update_flow();
}

bool TlsWrapper::do_handshake() {
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl_.get());
  flush_out();
  if (result == 1) {
    handshake_done_ = true;
    handshake_timer_.cancel();
    sync_lower_pause();
    return true;
  }
  if (SSL_get_error(ssl_.get(), result) == SSL_ERROR_WANT_READ) {
    if (peer_eof_) {
      fail(errc::handshake_failed, "the peer closed the connection during the handshake");
    }
    return false;
  }
  fail_handshake();
  return false;
}

void TlsWrapper::fail_handshake() {
  const long verify = SSL_get_verify_result(ssl_.get());
  if (client_ && verify != X509_V_OK) {
    ERR_clear_error();
    fail(errc::certificate_verify_failed,
         std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify));
    return;
  }
  fail(errc::handshake_failed, openssl_error("unexpected message"));
}

void TlsWrapper::encrypt_pending() {
  if (pending_.empty() || failure_) return;
  std::string pending = std::move(pending_);
  pending_.clear();
  encrypt(pending);
  flush_out();
}

void TlsWrapper::encrypt(std::string_view data) {
  ERR_clear_error();
  while (!data.empty() && !failure_) {
    std::size_t written = 0;
    if (SSL_write_ex(ssl_.get(), data.data(), data.size(), &written) != 1) {
      fail(errc::protocol_error, "cannot encrypt: " + openssl_error());
      return;
    }
    data.remove_prefix(written);
  }
}

void TlsWrapper::send_close_notify() {
  sent_close_notify_ = true;
  ERR_clear_error();
  SSL_shutdown(ssl_.get());  // 0 or 1: sent; the peer's close_notify is read as data
  ERR_clear_error();
  flush_out();
  if (close_requested_) {
    lower().lose_connection();
  } else {
    lower().half_close();
  }
}

void TlsWrapper::read_plaintext() {
  while (!paused_above_ && !close_requested_ && !received_close_notify_ && !failure_ && !aborted_) {
    ERR_clear_error();
    std::size_t read = 0;
    if (SSL_read_ex(ssl_.get(), plaintext_.data(), plaintext_.size(), &read) == 1) {
      wrapped().data_received(std::string_view(plaintext_.data(), read));
      continue;
    }
    switch (SSL_get_error(ssl_.get(), 0)) {
      case SSL_ERROR_WANT_READ:
        flush_out();  // what reading produced (a TLS 1.3 key update's answer)
        if (peer_eof_) {
          fail(errc::truncated, "the peer closed the connection without a close_notify");
        }
        return;
      case SSL_ERROR_ZERO_RETURN:
        received_close_notify_ = true;
        flush_out();
        wrapped().read_connection_lost();
        return;
      default:
        fail(errc::protocol_error, openssl_error("unexpected message"));
        return;
    }
  }
}

bool TlsWrapper::input_pending() const {
  return BIO_ctrl_pending(in_) > 0 || SSL_pending(ssl_.get()) > 0 ||
         (peer_eof_ && !received_close_notify_);
}

void TlsWrapper::flush_out() {
  if (transport() == nullptr) return;
  char* data = nullptr;
  const long size = BIO_get_mem_data(out_, &data);
  if (size <= 0) return;
  // A write below never calls back into this layer, so the BIO's bytes stay put meanwhile.
  lower().write(std::string_view(data, static_cast<std::size_t>(size)));
  (void)BIO_reset(out_);
}

void TlsWrapper::fail(std::error_code code, std::string message) {
  if (failure_ || aborted_) return;
  failure_.emplace(code, std::move(message));
  pending_.clear();
  flush_out();  // the alert, if OpenSSL made one
  lower().lose_connection();
}

void TlsWrapper::sync_lower_pause() {
  if (transport() == nullptr || lost_) return;
  const bool want = paused_above_ && handshake_done_;
  if (want == lower_paused_) return;
  lower_paused_ = want;
  if (want) {
    lower().pause_reading();
  } else {
    lower().resume_reading();
  }
}

void TlsWrapper::update_flow() {
  if (flow_.producer() == nullptr || transport() == nullptr) return;
  flow_.apply(write_buffer_size());
}

}  // namespace kit::tls
