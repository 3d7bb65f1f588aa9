#include "protocols/upload/upload_client.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "protocols/upload/hmac_sha256.h"
#include "protocols/upload/sha256.h"

namespace kit::upload {
namespace {

constexpr std::string_view kGreeting = "PKUP/1 ";
constexpr std::size_t kNonceDigits = 32;
constexpr std::size_t kQuoteMax = 200;

bool is_lower_hex(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool starts_with(std::string_view text, std::string_view prefix) noexcept {
  return text.substr(0, prefix.size()) == prefix;
}

// Answers after which the server closes the connection (specs/upload.md).
bool closes_connection(std::string_view line) noexcept {
  return starts_with(line, "ERR 408 ") || line == "ERR 400 line too long" ||
         line == "ERR 401 bad credentials";
}

std::string seconds_text(Duration d) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", std::chrono::duration<double>(d).count());
  return text;
}

}  // namespace

std::string quote_answer(std::string_view line) {
  std::string quoted = "\"";
  const std::size_t shown = std::min(line.size(), kQuoteMax);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto b = static_cast<unsigned char>(line[i]);
    if (b == '"' || b == '\\') {
      quoted += '\\';
      quoted += static_cast<char>(b);
    } else if (b < 0x20 || b > 0x7E) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", b);
      quoted += hex;
    } else {
      quoted += static_cast<char>(b);
    }
  }
  quoted += '"';
  if (shown < line.size()) quoted += "...";
  return quoted;
}

bool UploadReport::all_stored() const noexcept {
  return std::all_of(files.begin(), files.end(), [](const UploadResult& f) { return f.stored; });
}

UploadClient::UploadClient(std::vector<UploadItem> items, UploadClientOptions options)
    : LineOnlyReceiver(protocols::LineDelimiter::lf_strip_cr(), max_line),
      items_(std::move(items)),
      options_(std::move(options)) {
  if (options_.chunk_size == 0) options_.chunk_size = 1;
  results_.reserve(items_.size());
  for (const UploadItem& item : items_) {
    UploadResult result;
    result.local = item.source ? item.source->name() : std::string();
    result.remote = item.remote_path;
    results_.push_back(std::move(result));
  }
}

UploadClient::~UploadClient() = default;

// ---- the connection

void UploadClient::connection_made() {
  transport()->register_producer(*this);
  wait_for("the greeting");
}

void UploadClient::read_connection_lost() {
  // The server will send nothing more: no answer we wait for can come. connection_lost()
  // says what was cut short.
  transport()->lose_connection();
}

void UploadClient::connection_lost(const Failure& reason) {
  timer_.cancel();
  alive_.reset();
  if (state_ != State::done && state_ != State::quitting) {
    std::string why = reason.is(errc::connection_done)
                          ? "the server closed the connection while " + activity()
                          : "the connection was lost while " + activity() + ": " + reason.what();
    fatal(std::move(why), Close::none);
  }
  state_ = State::done;
  UploadReport report;
  report.files = results_;
  report.connection_error = connection_error_;
  done_.callback(std::move(report));
}

void UploadClient::line_received(std::string_view line) {
  if (state_ == State::done) return;
  stop_waiting();
  // (ERR 401 to AUTH is answered below, as AUTH refused.)
  if (closes_connection(line) && !(state_ == State::auth && starts_with(line, "ERR 401 "))) {
    fatal("the server closed the connection after answering " + quote_answer(line), Close::lose);
    return;
  }
  switch (state_) {
    case State::greeting:
      on_greeting(line);
      break;
    case State::auth:
      on_auth_answer(line);
      break;
    case State::put:
      on_put_answer(line);
      break;
    case State::sent:
      on_body_answer(line);
      break;
    case State::quitting:
      on_bye(line);
      break;
    case State::preparing:
    case State::body:
      break;  // reading is paused in these states
    case State::done:
      break;
  }
}

void UploadClient::line_length_exceeded(std::string_view line) {
  (void)line;
  if (state_ == State::done) return;
  fatal("the server sent a line over " + std::to_string(max_line) + " bytes", Close::abort);
}

// ---- the conversation

void UploadClient::on_greeting(std::string_view line) {
  const std::string_view nonce = line.substr(std::min(line.size(), kGreeting.size()));
  if (!starts_with(line, kGreeting) || nonce.size() != kNonceDigits || !is_lower_hex(nonce)) {
    fatal("bad greeting " + quote_answer(line) + " (expected \"PKUP/1 <nonce>\")", Close::abort);
    return;
  }
  if (options_.secret) {
    state_ = State::auth;
    send_line("AUTH " + hmac_sha256_hex(*options_.secret, nonce));
    wait_for("the answer to AUTH");
    return;
  }
  next_file();
}

void UploadClient::on_auth_answer(std::string_view line) {
  if (line == "OK auth") {
    next_file();
  } else if (starts_with(line, "ERR ")) {
    fatal("authentication refused: the server answered " + quote_answer(line), Close::lose);
  } else {
    unexpected(line, "OK auth");
  }
}

void UploadClient::next_file() {
  // A source may answer at once (its Deferred already fired): then the file's whole
  // conversation can run inside prepare(), and its end calls next_file() again. That
  // call only asks this loop to go on, so the stack does not grow with the files.
  if (choosing_) {
    choose_again_ = true;
    return;
  }
  choosing_ = true;
  for (;;) {
    choose_again_ = false;
    if (state_ == State::done) break;
    if (current_ >= items_.size()) {
      quit();
      break;
    }
    const UploadItem& item = items_[current_];
    if (!item.source) {
      file_failed("no source");
      continue;
    }
    if (item.remote_path.find_first_of("\r\n") != std::string::npos) {
      file_failed("the remote path contains a CR or LF");
      continue;
    }
    state_ = State::preparing;
    pause_reading();  // answers sent early wait for the PUT they answer
    (void)item.source->prepare(thread_pool())
        .add_both([this, alive = std::weak_ptr<Alive>(alive_)](Outcome<SourceInfo> outcome) {
          if (alive.expired() || state_ != State::preparing) return;
          if (outcome.has_failure()) {
            file_failed(outcome.failure().what());
            next_file();
            return;
          }
          prepared(std::move(outcome).value());
        });
    if (!choose_again_) break;
  }
  choosing_ = false;
}

void UploadClient::prepared(SourceInfo info) {
  info_ = std::move(info);
  const std::string line =
      "PUT " + std::to_string(info_.size) + " " + info_.sha256 + " " + items_[current_].remote_path;
  if (line.size() > max_line) {
    file_failed("the remote path is too long (the PUT line would exceed " +
                std::to_string(max_line) + " bytes)");
    next_file();
    return;
  }
  state_ = State::put;
  send_line(line);
  wait_for("READY");
  resume_reading();  // may deliver the answer now
}

void UploadClient::on_put_answer(std::string_view line) {
  if (line == "READY") {
    start_body();
  } else if (starts_with(line, "ERR ")) {
    file_failed("the server answered " + quote_answer(line));
    next_file();
  } else {
    unexpected(line, "READY or ERR");
  }
}

void UploadClient::start_body() {
  state_ = State::body;
  requested_ = 0;
  sent_ = 0;
  reading_ = false;
  report_progress();
  if (info_.size == 0) {
    body_sent();
    return;
  }
  pause_reading();  // nothing may come before the body's answer; it waits for the body
  if (paused_) wait_for("the server to read the body");
  pump();
}

void UploadClient::pump() {
  // A read answered at once comes back inside the loop, whose pump() call returns here
  // and the loop goes on: the stack does not grow with the chunks.
  if (pumping_) return;
  pumping_ = true;
  while (state_ == State::body && !reading_ && !paused_ && !stopped_ && requested_ < info_.size) {
    const std::uint64_t left = info_.size - requested_;
    const std::size_t n =
        left < options_.chunk_size ? static_cast<std::size_t>(left) : options_.chunk_size;
    const std::uint64_t offset = requested_;
    requested_ += n;
    reading_ = true;
    (void)items_[current_]
        .source->read(thread_pool(), offset, n)
        .add_both([this, n, alive = std::weak_ptr<Alive>(alive_)](Outcome<std::string> outcome) {
          if (alive.expired() || state_ != State::body) return;
          reading_ = false;
          if (outcome.has_failure()) {
            // The server waits for the rest of the body and cannot be told it will not come.
            fatal(outcome.failure().what() + " (in the middle of the body)", Close::abort);
            return;
          }
          std::string bytes = std::move(outcome).value();
          if (bytes.size() != n) {
            fatal("the source gave " + std::to_string(bytes.size()) + " bytes where " +
                      std::to_string(n) + " were asked for",
                  Close::abort);
            return;
          }
          chunk_read(std::move(bytes));
        });
  }
  pumping_ = false;
}

void UploadClient::chunk_read(std::string bytes) {
  if (stopped_) return;
  sent_ += bytes.size();
  transport()->write(bytes);  // may pause us (flow control) before it returns
  report_progress();
  if (state_ != State::body) return;
  if (sent_ == info_.size) {
    body_sent();
    return;
  }
  pump();
}

void UploadClient::body_sent() {
  state_ = State::sent;
  wait_for("the answer to the body");
  resume_reading();  // may deliver the answer now
}

void UploadClient::on_body_answer(std::string_view line) {
  if (starts_with(line, "OK ") && is_sha256_hex(line.substr(3))) {
    const std::string_view hash = line.substr(3);
    if (hash == info_.sha256) {
      file_stored(std::string(hash));
    } else {
      file_failed("the server answered " + quote_answer(line) + " but the local hash is " +
                  info_.sha256);
    }
    next_file();
  } else if (starts_with(line, "ERR ")) {
    file_failed("the server answered " + quote_answer(line));
    next_file();
  } else {
    unexpected(line, "OK <sha256> or ERR");
  }
}

void UploadClient::quit() {
  state_ = State::quitting;
  send_line("QUIT");
  wait_for("BYE");
  resume_reading();
}

void UploadClient::on_bye(std::string_view line) {
  if (line != "BYE") {
    unexpected(line, "BYE");
    return;
  }
  state_ = State::done;
  transport()->lose_connection();
}

// ---- flow control

void UploadClient::pause_producing() {
  paused_ = true;
  if (state_ == State::body) wait_for("the server to read the body");
}

void UploadClient::resume_producing() {
  paused_ = false;
  if (state_ != State::body) return;
  stop_waiting();
  pump();
}

void UploadClient::stop_producing() { stopped_ = true; }

// ---- results and errors

std::string UploadClient::activity() const {
  switch (state_) {
    case State::greeting:
      return "waiting for the greeting";
    case State::auth:
      return "waiting for the answer to AUTH";
    case State::preparing:
      return "hashing " + results_[current_].local;
    case State::put:
      return "waiting for READY";
    case State::body:
      return "sending the body of " + results_[current_].local;
    case State::sent:
      return "waiting for the answer to the body";
    case State::quitting:
      return "waiting for BYE";
    case State::done:
      break;
  }
  return "closing";
}

void UploadClient::file_failed(std::string why) {
  UploadResult& result = results_[current_];
  result.error = "cannot upload " + result.local + " to " + result.remote + ": " + why;
  finish_file();
}

void UploadClient::file_stored(std::string sha256) {
  UploadResult& result = results_[current_];
  result.stored = true;
  result.sha256 = std::move(sha256);
  finish_file();
}

void UploadClient::finish_file() {
  stop_waiting();
  const std::size_t index = current_++;
  if (on_file_done_) on_file_done_(index, results_[index]);
}

void UploadClient::fatal(std::string why, Close close) {
  if (state_ == State::done) return;
  const bool put_sent = state_ == State::put || state_ == State::body || state_ == State::sent;
  state_ = State::done;
  stop_waiting();
  connection_error_ = why;
  if (current_ < results_.size()) file_failed(put_sent ? why : "not sent: " + why);
  fail_rest("not sent: " + why);
  if (close == Close::abort) {
    transport()->abort_connection();
  } else if (close == Close::lose) {
    transport()->lose_connection();
  }
}

void UploadClient::fail_rest(const std::string& why) {
  while (current_ < results_.size()) file_failed(why);
}

void UploadClient::unexpected(std::string_view line, std::string_view expected) {
  fatal("unexpected answer " + quote_answer(line) + " (expected " + std::string(expected) + ")",
        Close::abort);
}

void UploadClient::report_progress() {
  if (!on_progress_) return;
  UploadProgress progress;
  progress.index = current_;
  progress.file = &results_[current_];
  progress.sent = sent_;
  progress.total = info_.size;
  on_progress_(progress);
}

// ---- timeouts

void UploadClient::wait_for(std::string what) {
  timer_.cancel();
  waiting_for_ = std::move(what);
  if (options_.timeout <= Duration::zero()) return;
  timer_ = clock().call_later(options_.timeout, [this] { on_timeout(); });
}

void UploadClient::stop_waiting() { timer_.cancel(); }

void UploadClient::on_timeout() {
  fatal("no answer from the server within " + seconds_text(options_.timeout) + " (waiting for " +
            waiting_for_ + ")",
        Close::abort);
}

}  // namespace kit::upload
