#include "testing/scripted_transport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "fakes/driving.h"

namespace kit::testing {

std::string escape_bytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (const char c : bytes) {
    switch (c) {
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      default: {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f) {
          out += c;
        } else {
          char hex[5];
          std::snprintf(hex, sizeof hex, "\\x%02x", u);
          out += hex;
        }
      }
    }
  }
  return out;
}

namespace {

std::string literal(std::string_view bytes) { return "\"" + escape_bytes(bytes) + "\""; }

std::string duration_text(Duration by) {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  if (by % seconds(1) == Duration::zero()) {
    return std::to_string(std::chrono::duration_cast<seconds>(by).count()) + "s";
  }
  if (by % milliseconds(1) == Duration::zero()) {
    return std::to_string(std::chrono::duration_cast<milliseconds>(by).count()) + "ms";
  }
  return std::to_string(by.count()) + "ns";
}

}  // namespace

ScriptedTransport::ScriptedTransport()
    : own_context_(std::make_unique<fakes::FakeContext>()), context_(own_context_.get()) {}

ScriptedTransport::ScriptedTransport(fakes::FakeContext& context) : context_(&context) {}

ScriptedTransport::~ScriptedTransport() {
  if (!ran_ && !steps_.empty()) {
    ADD_FAILURE() << "ScriptedTransport: destroyed with " << steps_.size()
                  << " step(s) never played: run() was not called";
  }
}

// ---- the script

ScriptedTransport& ScriptedTransport::add(Step step) {
  if (ran_) throw std::logic_error("ScriptedTransport: steps are added before run()");
  steps_.push_back(std::move(step));
  return *this;
}

ScriptedTransport& ScriptedTransport::expect_write(std::string_view bytes) {
  // An empty write can never be told from no write at all.
  if (bytes.empty()) throw std::invalid_argument("ScriptedTransport::expect_write: no bytes");
  return add({.kind = Kind::expect_write, .bytes = std::string(bytes)});
}

ScriptedTransport& ScriptedTransport::deliver(std::string_view bytes) {
  return add({.kind = Kind::deliver, .bytes = std::string(bytes)});
}

ScriptedTransport& ScriptedTransport::deliver_eof() { return add({.kind = Kind::deliver_eof}); }

ScriptedTransport& ScriptedTransport::advance(fakes::FakeClock& clock, Duration by) {
  return add({.kind = Kind::advance, .clock = &clock, .by = by});
}

ScriptedTransport& ScriptedTransport::advance(Duration by) {
  return advance(context_->clock(), by);
}

ScriptedTransport& ScriptedTransport::expect_close() { return add({.kind = Kind::expect_close}); }

ScriptedTransport& ScriptedTransport::expect_half_close() {
  return add({.kind = Kind::expect_half_close});
}

ScriptedTransport& ScriptedTransport::expect_abort() { return add({.kind = Kind::expect_abort}); }

ScriptedTransport& ScriptedTransport::peer_close() { return add({.kind = Kind::peer_close}); }

ScriptedTransport& ScriptedTransport::peer_reset() { return add({.kind = Kind::peer_reset}); }

// ---- describing

bool ScriptedTransport::is_expectation(Kind kind) noexcept {
  return kind == Kind::expect_write || kind == Kind::expect_close ||
         kind == Kind::expect_half_close || kind == Kind::expect_abort;
}

std::string ScriptedTransport::describe_step(const Step& step) const {
  switch (step.kind) {
    case Kind::expect_write:
      return "expect_write(" + literal(step.bytes) + ")";
    case Kind::deliver:
      return "deliver(" + literal(step.bytes) + ")";
    case Kind::deliver_eof:
      return "deliver_eof()";
    case Kind::advance:
      return "advance(" + duration_text(step.by) + ")";
    case Kind::expect_close:
      return "expect_close()";
    case Kind::expect_half_close:
      return "expect_half_close()";
    case Kind::expect_abort:
      return "expect_abort()";
    case Kind::peer_close:
      return "peer_close()";
    case Kind::peer_reset:
      return "peer_reset()";
  }
  return "?";
}

std::string ScriptedTransport::describe(std::size_t index) const {
  if (index >= steps_.size()) return "after the end of the script";
  return "step " + std::to_string(index + 1) + " of " + std::to_string(steps_.size()) + ", " +
         describe_step(steps_[index]);
}

void ScriptedTransport::fail(const std::string& message) {
  if (failed_) return;
  failed_ = true;
  ADD_FAILURE() << "ScriptedTransport: " << message;
}

// ---- playing

void ScriptedTransport::run(Protocol& protocol) {
  if (ran_) throw std::logic_error("ScriptedTransport::run: a script plays once");
  ran_ = true;
  playing_ = true;
  protocol_ = &protocol;
  fakes::drive([&] { protocol.make_connection(*this); });
  settle();
  while (!failed_ && !lost_ && next_ < steps_.size()) {
    if (is_expectation(steps_[next_].kind)) {
      // The protocol owes this step; if a move of the test's follows, it is too late.
      std::size_t move = next_;
      while (move < steps_.size() && is_expectation(steps_[move].kind)) ++move;
      if (move == steps_.size()) break;  // left over: reported below
      std::string owed = describe(next_) + ": not done by the protocol before " + describe(move);
      if (matched_ > 0) {
        owed +=
            "; it wrote only " + literal(std::string_view(steps_[next_].bytes).substr(0, matched_));
      }
      fail(owed);
      break;
    }
    const Step step = steps_[next_++];
    play(step);
    settle();
  }
  if (!failed_ && next_ < steps_.size()) {
    std::string left =
        "the script ended with " + std::to_string(steps_.size() - next_) + " step(s) left over";
    if (lost_) left += " (the connection was lost: " + lost_reason_->what() + ")";
    for (std::size_t i = next_; i < steps_.size(); ++i) {
      left += "\n  " + describe(i);
      if (i == next_ && matched_ > 0) {
        left += ", of which only " +
                literal(std::string_view(steps_[i].bytes).substr(0, matched_)) + " was written";
      }
    }
    fail(left);
  }
  if (failed_ && !lost_) {
    closing_.reset();
    end(Failure(errc::connection_aborted, "ScriptedTransport: the script failed"));
  }
  playing_ = false;
}

void ScriptedTransport::play(const Step& step) {
  switch (step.kind) {
    case Kind::deliver:
      if (paused_) {
        fail(describe(next_ - 1) + ": the protocol has paused reading, so it would never read " +
             literal(step.bytes));
        return;
      }
      fakes::drive([&] { protocol_->data_received(step.bytes); });
      break;
    case Kind::deliver_eof:
      eof_received_ = true;
      if (write_shut_) {
        closing_ = Failure(errc::connection_done);  // both directions are shut now
        break;
      }
      fakes::drive([&] { protocol_->read_connection_lost(); });
      break;
    case Kind::advance:
      step.clock->advance(step.by);
      break;
    case Kind::peer_close:
      end(Failure(errc::connection_done, "ScriptedTransport: the peer closed the connection"));
      break;
    case Kind::peer_reset:
      end(Failure(errc::connection_lost, "ScriptedTransport: the peer reset the connection"));
      break;
    default:
      break;  // expectations are matched by the protocol's requests
  }
}

void ScriptedTransport::settle() {
  if (closing_ && !lost_) end(*closing_);
}

void ScriptedTransport::schedule_settle() {
  if (fakes::driving()) {
    fakes::settle_later(*this);
  } else if (fakes::FakeClock* clock = fakes::FakeClock::running()) {
    // From inside a timer: right after it returns, in the same advance.
    if (!settle_call_.active()) {
      settle_call_ = clock->call_later(Duration::zero(), [this] { settle(); });
    }
  } else if (!playing_) {
    settle();
  }
}

void ScriptedTransport::end(Failure reason) {
  if (lost_) return;
  lost_ = true;
  lost_reason_ = reason;
  if (Producer* producer = std::exchange(producer_, nullptr)) producer->stop_producing();
  fakes::drive([&] { protocol_->connection_lost(reason); });
}

// ---- the protocol's requests

void ScriptedTransport::expect(Kind kind, std::string_view request) {
  if (failed_) return;
  if (next_ >= steps_.size()) {
    fail("after the end of the script: unexpected " + std::string(request));
    return;
  }
  const Step& step = steps_[next_];
  if (step.kind != kind || matched_ > 0) {
    std::string message = describe(next_) + ": unexpected " + std::string(request);
    if (matched_ > 0) {
      message += " after only " + literal(std::string_view(step.bytes).substr(0, matched_)) +
                 " of the expected write";
    }
    fail(message);
    return;
  }
  ++next_;
}

void ScriptedTransport::write(std::string_view data) {
  // Writes after a close are dropped, as by every transport (promise 2).
  if (failed_ || lost_ || closing_ || write_shut_ || protocol_ == nullptr) return;
  std::string_view rest = data;
  while (!rest.empty()) {
    if (next_ >= steps_.size()) {
      fail("after the end of the script: unexpected write(" + literal(data) + ")");
      return;
    }
    const Step& step = steps_[next_];
    if (step.kind != Kind::expect_write) {
      fail(describe(next_) + ": unexpected write(" + literal(data) + ")");
      return;
    }
    const std::string_view want = std::string_view(step.bytes).substr(matched_);
    const std::size_t n = std::min(want.size(), rest.size());
    const auto [w, r] = std::mismatch(want.begin(), want.begin() + n, rest.begin());
    if (w != want.begin() + n) {
      const std::size_t at = matched_ + static_cast<std::size_t>(w - want.begin());
      std::string actual = step.bytes.substr(0, matched_);
      actual += rest;
      fail(describe(next_) + ": the protocol wrote " + literal(data) +
           "\n  expected: " + literal(step.bytes) + "\n  actual:   " + literal(actual) +
           "\n  first difference at byte " + std::to_string(at));
      return;
    }
    matched_ += n;
    rest.remove_prefix(n);
    if (matched_ == step.bytes.size()) {
      ++next_;
      matched_ = 0;
    }
  }
}

void ScriptedTransport::lose_connection() {
  if (lost_ || closing_) return;  // repeats are harmless (promise 11)
  expect(Kind::expect_close, "lose_connection()");
  closing_ = Failure(errc::connection_done);
  schedule_settle();
}

void ScriptedTransport::abort_connection() {
  if (lost_ || (closing_ && closing_->is(errc::connection_aborted))) return;
  expect(Kind::expect_abort, "abort_connection()");
  closing_ = Failure(errc::connection_aborted);
  schedule_settle();
}

void ScriptedTransport::half_close() {
  if (lost_ || closing_ || write_shut_) return;
  expect(Kind::expect_half_close, "half_close()");
  write_shut_ = true;
  // Both directions shut cleanly: the connection is done (promise 4).
  if (eof_received_) {
    closing_ = Failure(errc::connection_done);
    schedule_settle();
  }
}

}  // namespace kit::testing
