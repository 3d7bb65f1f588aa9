#include "protocols/upload/upload_server.h"

#include <limits>
#include <utility>

#include "protocols/upload/hmac_sha256.h"
#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_path.h"

namespace kit::upload {
namespace {

constexpr std::size_t kNonceBytes = 16;

// A decimal without sign or leading zeros ("0" itself is one).
bool is_number(std::string_view text) noexcept {
  if (text.empty() || (text.size() > 1 && text.front() == '0')) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The value of a number (is_number), or nullopt when it is over 64 bits.
std::optional<std::uint64_t> number_value(std::string_view text) noexcept {
  std::uint64_t value = 0;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (const char c : text) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (kMax - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// Splits off the field before the next space; nullopt when there is no space.
std::optional<std::string_view> take_field(std::string_view& rest) noexcept {
  const std::size_t space = rest.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::string_view field = rest.substr(0, space);
  rest.remove_prefix(space + 1);
  return field;
}

}  // namespace

UploadServer::UploadServer(UploadStore& store, UploadServerOptions options)
    : LineReceiver(protocols::LineDelimiter::lf_strip_cr(), max_line),
      store_(store),
      options_(std::move(options)) {}

UploadServer::~UploadServer() = default;

void UploadServer::connection_made() {
  nonce_ = random().hex(kNonceBytes);
  reply("PKUP/1 " + nonce_);
  watch_idle(true);
}

void UploadServer::data_received(std::string_view data) {
  if (idle_timer_.active()) idle_timer_.reset(options_.idle_timeout);
  LineReceiver::data_received(data);
}

void UploadServer::read_connection_lost() {
  eof_ = true;
  // A body cut short is dropped; a command in the store's hands is answered first, and
  // body bytes held back (back-pressure) are read first.
  if (state_ == State::command || (state_ == State::body && !held_back_)) close();
}

void UploadServer::connection_lost(const Failure& reason) {
  (void)reason;
  state_ = State::closed;
  alive_.reset();
  writer_.reset();  // an unfinished upload is dropped
  idle_timer_.cancel();
  abort_timer_.cancel();
}

void UploadServer::stop_requested() {
  stopping_ = true;
  if (state_ == State::command) close();
}

void UploadServer::line_received(std::string_view line) {
  if (state_ != State::command) return;
  const std::string_view command = line.substr(0, line.find(' '));
  if (command == "PUT") {
    on_put(line);
  } else if (command == "STAT") {
    on_stat(line);
  } else if (command == "AUTH") {
    on_auth(line);
  } else if (command == "QUIT") {
    on_quit(line);
  } else {
    reply("ERR 400 unknown command");
  }
}

void UploadServer::line_length_exceeded(std::string_view line) {
  (void)line;
  if (state_ == State::closed) return;
  reply("ERR 400 line too long");
  close();
}

void UploadServer::on_auth(std::string_view line) {
  std::string_view rest = line;
  if (!take_field(rest)) {
    reply("ERR 400 malformed command");
    return;
  }
  if (!options_.secret) {
    reply("OK auth");
    return;
  }
  if (mac_matches(rest, hmac_sha256_hex(*options_.secret, nonce_))) {
    authenticated_ = true;
    reply("OK auth");
    return;
  }
  reply("ERR 401 bad credentials");
  close();
}

void UploadServer::on_quit(std::string_view line) {
  if (line != "QUIT") {
    reply("ERR 400 malformed command");
    return;
  }
  reply("BYE");
  close();
}

void UploadServer::on_stat(std::string_view line) {
  std::string_view rest = line;
  if (!take_field(rest)) {
    reply("ERR 400 malformed command");
    return;
  }
  if (!authorised()) {
    reply("ERR 401 authentication required");
    return;
  }
  std::string refusal;
  const std::optional<UploadPath> path = UploadPath::parse(rest, &refusal);
  if (!path) {
    reply("ERR 403 " + refusal);
    return;
  }
  wait_for_store();
  (void)store_.stat(thread_pool(), *path)
      .add_both(
          [this, alive = std::weak_ptr<Alive>(alive_)](Outcome<std::optional<StoredFile>> outcome) {
            if (alive.expired() || state_ == State::closed) return;
            if (outcome.has_failure()) {
              reply_error(answer_for(outcome.failure()));
            } else if (const std::optional<StoredFile>& file = outcome.value()) {
              reply("OK " + std::to_string(file->size) + " " + file->sha256);
            } else {
              reply("ERR 404 not found");
            }
            answered();
          });
}

void UploadServer::on_put(std::string_view line) {
  // Syntax first: three fields after the command, and a well-formed size.
  std::string_view rest = line;
  (void)take_field(rest);  // "PUT"
  const std::optional<std::string_view> size_field = take_field(rest);
  const std::optional<std::string_view> hash_field =
      size_field ? take_field(rest) : std::optional<std::string_view>();
  if (!hash_field) {
    reply("ERR 400 malformed command");
    return;
  }
  if (!is_number(*size_field)) {
    reply("ERR 400 bad number");
    return;
  }
  if (!authorised()) {
    reply("ERR 401 authentication required");
    return;
  }
  if (!is_sha256_hex(*hash_field)) {
    reply("ERR 400 bad hash");
    return;
  }
  std::string refusal;
  const std::optional<UploadPath> path = UploadPath::parse(rest, &refusal);
  if (!path) {
    reply("ERR 403 " + refusal);
    return;
  }
  const std::optional<std::uint64_t> size = number_value(*size_field);
  if (!size || *size > options_.max_size) {
    refuse_too_large(*path);
    return;
  }
  size_ = *size;
  remaining_ = *size;
  declared_sha256_ = std::string(*hash_field);
  body_failure_.reset();
  wait_for_store();
  (void)store_.begin(thread_pool(), *path, options_.overwrite)
      .add_both([this, alive = std::weak_ptr<Alive>(alive_)](
                    Outcome<std::unique_ptr<UploadWriter>> outcome) {
        if (alive.expired() || state_ == State::closed) return;
        if (outcome.has_failure()) {
          reply_error(answer_for(outcome.failure()));
          answered();
          return;
        }
        writer_ = std::move(outcome).value();
        reply("READY");
        start_body();
      });
}

void UploadServer::refuse_too_large(const UploadPath& path) {
  // The spec puts the path (403) before the size (413), and one path rule -- a symbolic
  // link out of the root -- only the store can judge; its stat() refuses such a path as
  // begin() would, without creating anything.
  wait_for_store();
  (void)store_.stat(thread_pool(), path)
      .add_both(
          [this, alive = std::weak_ptr<Alive>(alive_)](Outcome<std::optional<StoredFile>> outcome) {
            if (alive.expired() || state_ == State::closed) return;
            if (outcome.has_failure() && outcome.failure().is(upload_errc::path_refused)) {
              reply_error(answer_for(outcome.failure()));
            } else {
              reply("ERR 413 too large");  // any other failure of the store: the size answers
            }
            answered();
          });
}

void UploadServer::wait_for_store() {
  state_ = State::waiting;
  watch_idle(false);
  pause_reading();
}

void UploadServer::answered() {
  if (state_ == State::closed) return;
  state_ = State::command;
  if (stopping_) {
    close();
    return;
  }
  resume_reading();  // pipelined commands held meanwhile are read now
  if (state_ != State::command) return;
  if (eof_) {
    close();
    return;
  }
  watch_idle(true);
}

void UploadServer::start_body() {
  if (remaining_ == 0) {
    state_ = State::finishing;
    finish_upload();
    return;
  }
  state_ = State::body;
  set_raw_mode();
  watch_idle(true);
  resume_reading();
  cut_if_ended();
}

void UploadServer::cut_if_ended() {
  // The peer half-closed, and what it sent before is read: the rest of the body will
  // never come.
  if (state_ == State::body && eof_ && !held_back_) close();
}

void UploadServer::raw_data_received(std::string_view data) {
  if (state_ != State::body) return;
  const std::size_t n =
      remaining_ < data.size() ? static_cast<std::size_t>(remaining_) : data.size();
  remaining_ -= n;
  if (writer_ && !body_failure_) gathered_.append(data.data(), n);
  if (gathered_.size() >= append_size || remaining_ == 0) flush_body();
  if (remaining_ == 0) {
    end_body(data.substr(n));
    return;
  }
  if (!held_back_ && in_flight_ + gathered_.size() >= max_held) {
    held_back_ = true;
    watch_idle(false);
    pause_reading();
  }
}

void UploadServer::flush_body() {
  if (gathered_.empty() || !writer_ || body_failure_) {
    gathered_.clear();
    return;
  }
  const std::size_t bytes = gathered_.size();
  in_flight_ += bytes;
  (void)writer_->append(std::exchange(gathered_, std::string()))
      .add_both([this, bytes, alive = std::weak_ptr<Alive>(alive_)](Outcome<void> outcome) {
        if (alive.expired()) return;
        append_done(bytes, outcome);
      });
}

void UploadServer::append_done(std::size_t bytes, const Outcome<void>& outcome) {
  in_flight_ -= bytes;
  if (outcome.has_failure() && !body_failure_ && state_ != State::closed) {
    // The rest of the body is still read (the client sends it anyway), then answered.
    body_failure_ = outcome.failure();
    writer_.reset();
    gathered_.clear();
  }
  if (held_back_ && in_flight_ <= max_held / 2 && state_ == State::body) {
    held_back_ = false;
    watch_idle(true);
    resume_reading();
    cut_if_ended();
  }
}

void UploadServer::end_body(std::string_view extra) {
  state_ = State::finishing;
  held_back_ = false;
  watch_idle(false);
  pause_reading();
  set_line_mode(extra);  // what follows the body is commands again, read after the answer
  finish_upload();
}

void UploadServer::finish_upload() {
  if (body_failure_ || !writer_) {
    reply_error(answer_for(body_failure_ ? *body_failure_
                                         : Failure(upload_errc::store_failed, "upload lost")));
    body_failure_.reset();
    answered();
    return;
  }
  (void)writer_->finish(declared_sha256_)
      .add_both([this, alive = std::weak_ptr<Alive>(alive_)](Outcome<Finished> outcome) {
        if (alive.expired() || state_ == State::closed) return;
        writer_.reset();
        if (body_failure_) {
          reply_error(answer_for(*body_failure_));
          body_failure_.reset();
        } else if (outcome.has_failure()) {
          reply_error(answer_for(outcome.failure()));
        } else if (const Finished& finished = outcome.value(); finished.committed) {
          reply("OK " + finished.sha256);
        } else {
          reply("ERR 422 checksum mismatch " + finished.sha256);
        }
        answered();
      });
}

void UploadServer::reply_error(const StoreAnswer& answer) {
  reply("ERR " + std::to_string(answer.code) + " " + answer.text);
}

void UploadServer::close() {
  if (state_ == State::closed) return;
  state_ = State::closed;
  writer_.reset();
  gathered_.clear();
  watch_idle(false);
  transport()->lose_connection();
  // A peer that never reads our last answer must not keep the connection forever.
  if (options_.idle_timeout > Duration::zero()) {
    abort_timer_ = clock().call_later(options_.idle_timeout, [this] {
      if (transport() != nullptr) transport()->abort_connection();
    });
  }
}

void UploadServer::watch_idle(bool on) {
  if (!on || options_.idle_timeout <= Duration::zero()) {
    idle_timer_.cancel();
    return;
  }
  if (idle_timer_.active()) {
    idle_timer_.reset(options_.idle_timeout);
  } else {
    idle_timer_ = clock().call_later(options_.idle_timeout, [this] { on_idle(); });
  }
}

void UploadServer::on_idle() {
  if (state_ == State::closed) return;
  reply("ERR 408 timeout");
  close();
}

std::unique_ptr<Factory> make_upload_server_factory(UploadStore& store,
                                                    UploadServerOptions options) {
  return std::make_unique<FunctionFactory>(
      [&store, options = std::move(options)](const Address&) -> std::unique_ptr<Protocol> {
        return std::make_unique<UploadServer>(store, options);
      });
}

}  // namespace kit::upload
