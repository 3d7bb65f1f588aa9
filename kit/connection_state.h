// ConnectionState: the close lifecycle and the reading gate of one connection, shared by
// every transport of the kit (live sockets, StringTransport, the loopback pair), as
// FlowControl is for the water marks.
//
// A transport asks it what a request or an event means -- lose_connection() while writes
// are pending, a half-close after the peer's, the peer's end of stream after ours -- and
// carries out the answer in its own way (a socket shutdown, a fake's pump), so the rules
// of kit/transport.h (promises 2, 3, 4 and 8) are written once:
//
//  - close(): ends the connection once the write buffer is empty (connection_done).
//  - abort(): ends it now, dropping the buffer (connection_aborted).
//  - half_close(): shuts our sending direction once the buffer is empty; with the peer's
//    end of stream as well, both directions are shut and the connection is over
//    (connection_done), whichever came first.
//  - Writes are taken until a close, an abort or a half-close was asked.
//  - Reading is delivered unless the protocol paused it, back-pressure holds it
//    (promise 9), the connection is closing, or the peer's end of stream came.
//
// Thread safety: the transport's thread.
#ifndef KIT_CONNECTION_STATE_H_
#define KIT_CONNECTION_STATE_H_

#include <cstdint>

#include "kit/failure.h"

namespace kit {

class ConnectionState {
 public:
  // What the transport must do now.
  enum class Action : std::uint8_t {
    none,
    shut_write,  // send our end of stream (the buffer is empty and a half-close was asked)
    finish,      // deliver connection_lost(finish_reason())
  };

  // ---- requests from the protocol; each returns what to do at once.

  // close: lose_connection(). Nothing when already disconnecting; finish when
  // `buffer_empty`; otherwise the transport waits for drained().
  Action close(bool buffer_empty) noexcept;
  // abort: abort_connection(). finish, unless lost or aborted already (none).
  Action abort() noexcept;
  // half_close: shut_write when `buffer_empty`; otherwise the transport waits for
  // drained(). Nothing when disconnecting or asked already.
  Action half_close(bool buffer_empty) noexcept;

  // ---- what happened to the connection.

  // drained: the write buffer became empty.
  Action drained() noexcept;
  // write_shut: our end of stream went out (after shut_write).
  Action write_shut() noexcept;
  // end_of_input: the peer's end of stream arrived (call before read_connection_lost()).
  Action end_of_input() noexcept;
  // broke: the connection failed (reset, error): disconnecting from now on.
  void broke() noexcept { disconnecting_ = true; }
  // lost: connection_lost() is being delivered.
  void lost() noexcept {
    lost_ = true;
    disconnecting_ = true;
  }

  // ---- reading

  void pause_reading() noexcept { paused_ = true; }
  // resume_reading: whether this undid a pause.
  bool resume_reading() noexcept {
    const bool was = paused_;
    paused_ = false;
    return was;
  }
  // set_throttled: back-pressure holds reading (true) or lets it go (false).
  void set_throttled(bool on) noexcept { throttled_ = on; }

  // ---- queries

  // reading: data_received() may be delivered now.
  bool reading() const noexcept {
    return !paused_ && !throttled_ && !disconnecting_ && !eof_received_ && !lost_;
  }
  bool paused() const noexcept { return paused_; }
  bool throttled() const noexcept { return throttled_; }
  bool accepts_writes() const noexcept { return !disconnecting_ && !half_close_asked_; }
  bool disconnecting() const noexcept { return disconnecting_; }
  bool closing() const noexcept { return closing_; }
  bool aborted() const noexcept { return aborted_; }
  bool half_close_asked() const noexcept { return half_close_asked_; }
  bool write_is_shut() const noexcept { return write_shut_; }
  bool eof_received() const noexcept { return eof_received_; }
  bool is_lost() const noexcept { return lost_; }

  // finish_reason: errc::connection_aborted after abort(), errc::connection_done after
  // an orderly end (close, or both directions shut).
  errc finish_reason() const noexcept {
    return aborted_ ? errc::connection_aborted : errc::connection_done;
  }

 private:
  bool paused_ : 1 = false;
  bool throttled_ : 1 = false;
  bool disconnecting_ : 1 = false;
  bool closing_ : 1 = false;
  bool aborted_ : 1 = false;
  bool half_close_asked_ : 1 = false;
  bool write_shut_ : 1 = false;
  bool eof_received_ : 1 = false;
  bool lost_ : 1 = false;
};

}  // namespace kit

#endif  // KIT_CONNECTION_STATE_H_
