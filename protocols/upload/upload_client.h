// UploadClient: the client side of PKUP/1, the upload protocol (specs/upload.md).
//
// One object per connection, sending a list of files in order; this file owns every
// state of the client's conversation:
//
//   greeting --> auth --> preparing --> put --> body --> sent --> (next file) ...
//                 (only      (the source     (READY    (OK <sha256>
//                 with a     hashes)         or ERR)   or ERR)
//                 secret)                                    ... --> quitting --> done
//   any state --> done     (a connection-fatal error, a timeout, the connection gone)
//
// - It checks the greeting (`PKUP/1 ` and 32 lowercase hex digits) and, given a secret,
//   sends `AUTH <hmac-sha256(secret, nonce) in hex>` and waits for `OK auth`.
// - For each file: prepare() the source (its size and hash), `PUT <size> <sha256>
//   <path>`, wait for READY, stream the body, wait for `OK <sha256>` and check that hash
//   against the local one. A file is stored only then.
// - Per-file errors -- the source failing before PUT, `ERR` to a PUT or to a body, a
//   hash in OK that differs from the local one -- are recorded and the next file goes
//   on: the spec keeps the connection usable. A remote path that would break the line
//   (a CR or LF) or make the server close (a PUT line over 4096 bytes) is refused
//   locally, never sent.
// - Connection-fatal: a bad greeting, AUTH refused, an answer the spec does not allow
//   in the state (garbage, READY out of turn, a malformed OK), a line over 4096 bytes,
//   an answer after which the server closes (`ERR 408 timeout`, `ERR 400 line too long`),
//   a timeout, the source failing in the middle of a body (the server cannot be told
//   the body ends early), or the connection lost. The file in hand and every later one
//   get an error saying so, and the connection is closed (aborted, after bad input).
// - Reading is paused while the client works (hashing a source, sending a body), so an
//   answer that arrives early is read in the state it answers, whatever the chunking.
// - The body goes through the client itself as a kit::Producer registered on the
//   transport: one source read in flight at a time, written when it comes back, no new
//   read while the transport has paused the producer. So at most the transport's
//   high-water mark plus one chunk (options.chunk_size) is buffered, whatever the size.
// - Timeouts, on the connection's clock: waiting for any answer (greeting, AUTH, READY,
//   OK, BYE) and a body held back by the transport (the server not reading) each have
//   options.timeout; waiting for the local source does not count.
// - When every file is done it sends QUIT, waits for BYE and closes. done() fires after
//   connection_lost(), with one UploadResult per file, in the order given.
//
// It makes no file system call of its own: files are read through UploadSources, whose
// calls run on the connection's thread pool.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_UPLOAD_UPLOAD_CLIENT_H_
#define KIT_PROTOCOLS_UPLOAD_UPLOAD_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kit/deferred.h"
#include "kit/delayed_call.h"
#include "kit/failure.h"
#include "kit/producer.h"
#include "kit/time.h"
#include "protocols/basic/line_only_receiver.h"
#include "protocols/upload/upload_source.h"

namespace kit::upload {

// UploadItem: one file to send and the path to store it at.
struct UploadItem {
  std::unique_ptr<UploadSource> source;
  std::string remote_path;
};

struct UploadClientOptions {
  static constexpr std::size_t default_chunk_size = 64 * 1024;

  // secret: sent as AUTH when set; without one no AUTH is sent.
  std::optional<std::string> secret;
  // timeout: the longest wait for an answer, or for the server to read a held-back
  // body; zero means none.
  Duration timeout = std::chrono::seconds(30);
  // chunk_size: the most body bytes read from a source and written at once (>= 1).
  std::size_t chunk_size = default_chunk_size;
};

// UploadResult: how one file went.
struct UploadResult {
  std::string local;   // the source's name()
  std::string remote;  // the remote path
  bool stored = false;
  std::string sha256;  // when stored: the hash the server confirmed (equal to the local one)
  // error: when not stored, one line naming the file and saying why, quoting the
  // server's answer when there was one:
  //   cannot upload a.txt to docs/a.txt: the server answered "ERR 409 exists"
  std::string error;
  friend bool operator==(const UploadResult&, const UploadResult&) = default;
};

// UploadReport: what done() gives.
struct UploadReport {
  std::vector<UploadResult> files;
  // connection_error: set when something ended the whole conversation early (a bad
  // greeting, AUTH refused, a timeout, the connection lost...); the files it stopped say
  // so in their error too.
  std::optional<std::string> connection_error;

  bool all_stored() const noexcept;
  friend bool operator==(const UploadReport&, const UploadReport&) = default;
};

// UploadProgress: the body of file `index` has `sent` of `total` bytes written.
struct UploadProgress {
  std::size_t index = 0;
  const UploadResult* file = nullptr;  // local and remote are set
  std::uint64_t sent = 0;
  std::uint64_t total = 0;
};

class UploadClient : public protocols::LineOnlyReceiver, public Producer {
 public:
  static constexpr std::size_t max_line = 4096;

  UploadClient(std::vector<UploadItem> items, UploadClientOptions options = {});
  ~UploadClient() override;

  // done: fires once, after connection_lost(), with the report (never a failure). Add
  // callbacks to the handle it returns, once.
  Deferred<UploadReport> done() const { return done_; }

  // on_progress: called as body bytes are written (first with sent = 0).
  void on_progress(std::function<void(const UploadProgress&)> fn) { on_progress_ = std::move(fn); }
  // on_file_done: called when a file's result is known (stored or not), in order.
  void on_file_done(std::function<void(std::size_t index, const UploadResult&)> fn) {
    on_file_done_ = std::move(fn);
  }

  // results: the files so far; finished ones have stored or error set.
  const std::vector<UploadResult>& results() const noexcept { return results_; }

  // ---- Protocol
  void connection_made() override;
  void read_connection_lost() override;
  void connection_lost(const Failure& reason) override;
  void line_received(std::string_view line) override;
  void line_length_exceeded(std::string_view line) override;

  // ---- Producer (the body)
  void pause_producing() override;
  void resume_producing() override;
  void stop_producing() override;

 private:
  enum class State { greeting, auth, preparing, put, body, sent, quitting, done };
  struct Alive {};

  void on_greeting(std::string_view line);
  void on_auth_answer(std::string_view line);
  void on_put_answer(std::string_view line);
  void on_body_answer(std::string_view line);
  void on_bye(std::string_view line);

  void next_file();
  void prepared(SourceInfo info);
  void start_body();
  void pump();
  void chunk_read(std::string bytes);
  void body_sent();
  void report_progress();
  void file_failed(std::string why);
  void file_stored(std::string sha256);
  void quit();
  // How fatal() closes: not at all (the connection is gone), after pending writes, or at
  // once (bad input, a timeout, a body cut short).
  enum class Close { none, lose, abort };
  // fatal: `why` ends the conversation: the file in hand and the rest fail with it.
  void fatal(std::string why, Close close);
  void fail_rest(const std::string& why);
  // unexpected: an answer the state does not allow; fatal.
  void unexpected(std::string_view line, std::string_view expected);
  // wait_for: arms the timer for what the server owes us (`what`, for its message).
  void wait_for(std::string what);
  void stop_waiting();
  void on_timeout();
  // activity: what the conversation was doing, for messages ("waiting for READY").
  std::string activity() const;
  void finish_file();

  std::vector<UploadItem> items_;
  UploadClientOptions options_;
  std::vector<UploadResult> results_;
  State state_ = State::greeting;
  std::size_t current_ = 0;  // the file in hand
  std::optional<std::string> connection_error_;

  // The body in hand.
  SourceInfo info_;
  std::uint64_t requested_ = 0;  // bytes asked of the source
  std::uint64_t sent_ = 0;       // bytes written
  bool reading_ = false;         // a source read is in flight
  bool paused_ = false;          // the transport paused us
  bool stopped_ = false;         // the transport stopped us
  bool pumping_ = false;         // inside pump()'s loop
  bool choosing_ = false;        // inside next_file()'s loop
  bool choose_again_ = false;    // next_file() was called inside it

  DelayedCall timer_;
  std::string waiting_for_;  // what the timer waits for, for its message
  Deferred<UploadReport> done_;
  std::function<void(const UploadProgress&)> on_progress_;
  std::function<void(std::size_t, const UploadResult&)> on_file_done_;
  // Source answers that come after the connection is gone find this expired.
  std::shared_ptr<Alive> alive_ = std::make_shared<Alive>();
};

// quote_answer: `line` as an error message quotes it: in double quotes, control bytes and
// bytes over 0x7E as \xNN, cut after 200 bytes with "...".
std::string quote_answer(std::string_view line);

}  // namespace kit::upload

#endif  // KIT_PROTOCOLS_UPLOAD_UPLOAD_CLIENT_H_
