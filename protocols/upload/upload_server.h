// UploadServer: the server side of PKUP/1, the upload protocol (specs/upload.md).
//
// One object per connection; this file owns every state of the server's conversation:
//
//   greeting --> command <--> waiting   (a STAT, or a PUT before READY: the store answers)
//                   |  ^
//                   v  |
//                  body --> finishing   (all <size> bytes in: the store hashes and commits)
//   any state --> closed                (QUIT, bad credentials, line too long, timeout,
//                                        the peer gone, a graceful stop)
//
// - On connect it sends `PKUP/1 <nonce>`, 16 bytes drawn from the connection's Random
//   (kit/protocol.h random()), in hex.
// - Commands are answered in order. While the store works (waiting, finishing) reading
//   is paused, so pipelined commands wait their turn and a client may even send a body
//   before READY: it is read as the body once READY is sent.
// - A command breaking several rules gets the first answer of the spec's order: syntax
//   (400), authentication (401), the hash's form (400), the path (403), the size (413,
//   including a decimal over 64 bits), an existing file (409, from the store). A path
//   leading out of the root through a symbolic link is the store's to see, so a PUT over
//   the limit asks the store (stat) before answering 413.
// - Back-pressure: at most about max_held (1 MiB) of one body is held in memory -- bytes
//   handed to the store and not yet written, and bytes gathered into the next append --
//   beyond which reading pauses until the store has caught up by half. A transport's
//   single read can add one more read's worth.
// - Idle timeout: after options.idle_timeout with no byte from the client, between
//   commands or in a body, it sends `ERR 408 timeout` and closes. Time spent waiting on
//   the store (including back-pressure) does not count: the client is not idle then.
//   A close whose answer the peer does not read within the timeout is aborted.
// - The peer half-closing, or a graceful stop (stop_requested), closes once the command
//   in hand is answered; a body cut short is dropped by the store (its temporary file
//   removed, the old file kept).
//
// It makes no file system call of its own: files go through an UploadStore, whose
// calls run on the connection's thread pool.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_UPLOAD_UPLOAD_SERVER_H_
#define KIT_PROTOCOLS_UPLOAD_UPLOAD_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kit/delayed_call.h"
#include "kit/factory.h"
#include "kit/failure.h"
#include "kit/time.h"
#include "protocols/basic/line_receiver.h"
#include "protocols/upload/upload_error.h"
#include "protocols/upload/upload_store.h"

namespace kit::upload {

// UploadServerOptions: what `protokit serve upload` sets.
struct UploadServerOptions {
  static constexpr std::uint64_t default_max_size = 1073741824;  // 1 GiB

  // max_size: the largest body accepted (`--max-size`); more is ERR 413.
  std::uint64_t max_size = default_max_size;
  // secret: the shared secret (`--secret-file`); without one, AUTH is not required and
  // any AUTH is answered OK.
  std::optional<std::string> secret;
  // overwrite: an existing file is replaced; false is `--no-overwrite` (ERR 409).
  bool overwrite = true;
  // idle_timeout: `--idle-timeout`; zero means none.
  Duration idle_timeout = std::chrono::seconds(60);
};

class UploadServer : public protocols::LineReceiver {
 public:
  static constexpr std::size_t max_line = 4096;
  static constexpr std::size_t max_held = 1024 * 1024;
  // append_size: body bytes are gathered into appends of about this size: large enough
  // that handing them to the pool costs little next to hashing and writing them (256 KiB
  // gave 10-20% more than 64 KiB on the upload benchmark), small enough that several fit
  // in max_held and the store works while the next one gathers.
  static constexpr std::size_t append_size = 256 * 1024;

  // `store` must outlive the connection.
  UploadServer(UploadStore& store, UploadServerOptions options);
  ~UploadServer() override;

  void connection_made() override;
  void data_received(std::string_view data) override;
  void read_connection_lost() override;
  void connection_lost(const Failure& reason) override;
  void stop_requested() override;

  void line_received(std::string_view line) override;
  void line_length_exceeded(std::string_view line) override;
  void raw_data_received(std::string_view data) override;

  // nonce: the greeting's nonce (32 hex digits), from connection_made() on.
  const std::string& nonce() const noexcept { return nonce_; }

 private:
  enum class State { command, waiting, body, finishing, closed };
  struct Alive {};

  void on_auth(std::string_view line);
  void on_put(std::string_view line);
  void on_stat(std::string_view line);
  void on_quit(std::string_view line);
  // A PUT over the size limit: 413, unless the store refuses the path (403 comes first).
  void refuse_too_large(const UploadPath& path);

  // Start of a store call: reading pauses and the idle timer stops until answered().
  void wait_for_store();
  // The command in hand is answered: read the next one (or close, when asked to).
  void answered();
  void start_body();
  void cut_if_ended();
  void flush_body();
  void end_body(std::string_view extra);
  void finish_upload();
  void append_done(std::size_t bytes, const Outcome<void>& outcome);
  void reply(std::string_view line) { send_line(line); }
  void reply_error(const StoreAnswer& answer);
  void close();
  void watch_idle(bool on);
  void on_idle();
  bool authorised() const noexcept { return !options_.secret || authenticated_; }

  UploadStore& store_;
  UploadServerOptions options_;
  State state_ = State::command;
  std::string nonce_;
  bool authenticated_ = false;
  bool eof_ = false;
  bool stopping_ = false;

  // The upload in hand.
  std::unique_ptr<UploadWriter> writer_;
  std::uint64_t size_ = 0;
  std::uint64_t remaining_ = 0;
  std::string declared_sha256_;
  std::string gathered_;                 // body bytes not yet appended
  std::size_t in_flight_ = 0;            // bytes appended whose append has not finished
  bool held_back_ = false;               // reading paused for back-pressure
  std::optional<Failure> body_failure_;  // the first failed append

  DelayedCall idle_timer_;
  DelayedCall abort_timer_;
  // Store answers that come after the connection is gone find this expired.
  std::shared_ptr<Alive> alive_ = std::make_shared<Alive>();
};

// make_upload_server_factory: builds an UploadServer over `store` (which must outlive
// the factory and its connections) for each connection, as `protokit serve upload` does.
std::unique_ptr<Factory> make_upload_server_factory(UploadStore& store,
                                                    UploadServerOptions options);

}  // namespace kit::upload

#endif  // KIT_PROTOCOLS_UPLOAD_UPLOAD_SERVER_H_
