// TlsWrapper: TLS as a layer (kit/protocol_wrapper.h) on OpenSSL memory BIOs -- Twisted's
// TLSMemoryBIOProtocol. Below it, any kit::Transport carries the ciphertext (a live socket,
// the loopback pair, a StringTransport); above it, the protocol gets a kit::Transport of
// plaintext that keeps every promise of kit/transport.h.
//
//   auto context = kit::tls::TlsContext::client();  // verifies against the system's CAs
//   auto layer = std::make_unique<kit::tls::TlsWrapper>(std::move(protocol), context,
//                                                       "example.org");
//
// What the protocol above sees:
//  - connection_made() at once, when the transport below connects; what it writes before
//    the handshake completes waits here (counted in write_buffer_size()) and is encrypted
//    when it does.
//  - data_received(): the plaintext, in pieces of any size.
//  - read_connection_lost(): the peer sent close_notify (its TLS half-close). The default
//    closes our side too; a protocol that overrides it may go on writing (TLS 1.3 allows
//    it; a TLS 1.2 peer may have stopped reading).
//  - connection_lost(): errc::timed_out when the handshake did not complete within the
//    context's handshake_timeout (the connection is aborted then);
//    errc::connection_done after our lose_connection(), or after the
//    peer's close_notify and the end of the stream below; tls::errc::truncated when the
//    stream below ended with no close_notify (never a clean end); tls::errc::
//    handshake_failed or certificate_verify_failed, with OpenSSL's reason in the message
//    ("tlsv1 alert unknown ca", "certificate verify failed: hostname mismatch"), when the
//    handshake fails; the
//    reason from below (aborted, reset) otherwise.
//
// Its requests:
//  - lose_connection(): once the handshake is done and everything written is encrypted,
//    sends close_notify, then closes the transport below after it has sent it all.
//  - half_close(): the same close_notify, then half_close() below; reading goes on until
//    the peer's close_notify (and the end below), which ends the connection with
//    connection_done. This is TLS 1.3's half-close (RFC 8446 6.1); a TLS 1.2 peer may
//    answer our close_notify with its own at once.
//  - abort_connection(): drops what waits and aborts below; no close_notify.
//  - pause_reading(): no data_received() until resume_reading(); once the handshake is
//    done reading below is paused too, so ciphertext waits in the transport below (the
//    handshake itself always goes on). What was decrypted but held comes after
//    resume_reading(), from a call on the connection's clock.
//  - Flow control: write_buffer_size() is plaintext not yet encrypted plus the
//    ciphertext waiting below; a producer registered above is paused when that total
//    rises above the high-water mark and resumed at the low one. With none, back-pressure
//    (promise 9) is the transport's below, on the ciphertext the answers became.
//  - disconnecting(): true from our lose_connection(), abort_connection() or a TLS
//    failure on, as for the whole stack below.
//
// Randomness comes from OpenSSL's generator, not the connection's kit::Random: a replayed
// session cannot reproduce a TLS handshake, only what a protocol above it drew.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_TLS_TLS_WRAPPER_H_
#define KIT_TLS_TLS_WRAPPER_H_

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "kit/delayed_call.h"
#include "kit/failure.h"
#include "kit/flow_control.h"
#include "kit/protocol.h"
#include "kit/protocol_wrapper.h"
#include "kit/tls/tls_context.h"

struct ssl_st;  // OpenSSL's SSL
struct bio_st;  // OpenSSL's BIO

namespace kit::tls {

class TlsWrapper : public ProtocolWrapper {
 public:
  // A client (context.is_server() false) connects to `server_name`: sent as SNI when it
  // is a DNS name, and verified against the certificate unless the context is insecure
  // (std::invalid_argument when a verifying client is given none). A server ignores it.
  TlsWrapper(std::unique_ptr<Protocol> wrapped, const TlsContext& context,
             std::string server_name = {}, WrappingFactory* factory = nullptr);
  ~TlsWrapper() override;

  // handshake_done: the handshake completed (and verified, for a verifying client).
  bool handshake_done() const noexcept { return handshake_done_; }
  // version: the negotiated version ("TLSv1.3"), empty before the handshake is done.
  std::string version() const;
  // server_name: a client's SNI as sent; a server's as the client sent it (empty if none).
  std::string server_name() const;
  // close_notify_received: the peer ended its direction cleanly.
  bool close_notify_received() const noexcept { return received_close_notify_; }

  // ---- Protocol: ciphertext from below.
  void connection_made() override;
  void data_received(std::string_view data) override;
  void read_connection_lost() override;
  void connection_lost(const Failure& reason) override;

  // ---- Transport: plaintext from above.
  void write(std::string_view data) override;
  void write_sequence(std::span<const std::string_view> pieces) override;
  void lose_connection() override;
  void abort_connection() override;
  void half_close() override;
  void pause_reading() override;
  void resume_reading() override;
  void register_producer(Producer& producer) override;
  void unregister_producer() override;
  void set_write_buffer_limits(std::size_t high, std::size_t low) override;
  bool disconnecting() const override;

 protected:
  std::size_t buffered_here() const override;
  void pause_above() override { update_flow(); }
  void resume_above() override { update_flow(); }
  void stop_above() override;

 private:
  struct SslDeleter {
    void operator()(ssl_st* ssl) const noexcept;
  };

  // advance: runs the state machine until it has nothing left to do; safe to call from
  // inside the callbacks it makes (the outer call goes round once more).
  void advance();
  void step();
  bool do_handshake();
  void encrypt_pending();
  void encrypt(std::string_view data);
  void send_close_notify();
  void read_plaintext();
  void flush_out();
  void fail(std::error_code code, std::string message);
  void fail_handshake();
  void sync_lower_pause();
  void update_flow();
  bool write_shut() const noexcept;
  bool input_pending() const;
  Failure final_reason(const Failure& below) const;

  std::unique_ptr<ssl_st, SslDeleter> ssl_;
  bio_st* in_ = nullptr;   // ciphertext from below; owned by ssl_
  bio_st* out_ = nullptr;  // ciphertext for below; owned by ssl_
  std::string server_name_;
  std::string pending_;  // plaintext written before the handshake completed
  FlowControl flow_;     // the producer above, on write_buffer_size()
  DelayedCall resume_call_;
  DelayedCall handshake_timer_;
  std::optional<Duration> handshake_timeout_;
  std::optional<Failure> failure_;
  bool client_;
  bool handshake_done_ = false;
  bool close_requested_ = false;       // lose_connection() from above
  bool half_close_requested_ = false;  // half_close() from above
  bool aborted_ = false;
  bool sent_close_notify_ = false;
  bool received_close_notify_ = false;
  bool peer_eof_ = false;  // the stream below ended
  bool lost_ = false;      // connection_lost() came from below
  bool paused_above_ = false;
  bool lower_paused_ = false;
  bool advancing_ = false;
  bool again_ = false;
  std::array<char, 16 * 1024> plaintext_{};
};

}  // namespace kit::tls

#endif  // KIT_TLS_TLS_WRAPPER_H_
