#include "protocols/basic/frame_receiver.h"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace kit::protocols {

void FrameReceiver::data_received(std::string_view data) {
  if (data.empty()) return;
  if (running_) {
    // From inside a callback: after everything already received.
    backlog_.append(data);
    return;
  }
  if (closing()) return;
  if (paused_) {
    pending_.append(data);
    pending_partial_ = false;
    return;
  }
  run(data);
}

void FrameReceiver::run(std::string_view chunk) {
  struct Running {
    FrameReceiver& self;
    explicit Running(FrameReceiver& s) : self(s) { self.running_ = true; }
    ~Running() {
      self.running_ = false;
      self.in_consume_ = false;
    }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;
  } running(*this);

  rest_ = chunk;
  for (;;) {
    if (paused_ || closing()) break;
    interrupted_ = false;
    if (!pending_.empty()) {
      std::size_t scanned = pending_scanned_;
      if (pending_partial_) {
        if (rest_.empty()) {
          if (take_backlog()) continue;
          break;  // an incomplete frame, and nothing more to complete it with
        }
        // Complete the carried frame with only the bytes it needs; the rest of the
        // chunk is then parsed in place.
        std::size_t n = frame_end(pending_, rest_);
        n = std::clamp<std::size_t>(n, 1, rest_.size());
        scanned = pending_.size();
        pending_.append(rest_.data(), n);
        rest_.remove_prefix(n);
      }
      consume_view(pending_, true, scanned);
    } else if (!rest_.empty()) {
      std::string_view view = std::exchange(rest_, std::string_view());
      consume_view(view, false, 0);
    } else if (!take_backlog()) {
      break;
    }
  }
  keep_unparsed();
}

void FrameReceiver::consume_view(std::string_view view, bool from_pending, std::size_t scanned) {
  view_ = view.data();
  view_size_ = view.size();
  consumed_ = view_;
  view_is_pending_ = from_pending;
  in_consume_ = true;
  consume(view, scanned);
  in_consume_ = false;

  const std::size_t cursor = this->cursor();
  std::string_view left = view.substr(cursor);
  // Left over after a normal return is one incomplete frame the framing has checked; after
  // an interruption it is unparsed input that may hold complete frames.
  const bool partial = !interrupted_ && inject_.empty() && !left.empty();
  if (from_pending) {
    if (inject_.empty()) {
      pending_.erase(0, cursor);
    } else {
      std::string next = std::exchange(inject_, std::string());
      next.append(left);
      pending_ = std::move(next);
    }
  } else if (partial) {
    pending_.assign(left);  // carried over: the chunk is gone after this call
  } else {
    // The chunk stays valid until run() returns: go on parsing it in place, after what
    // was unread.
    rest_ = left;
    pending_ = std::exchange(inject_, std::string());
  }
  pending_partial_ = partial;
  pending_scanned_ = partial ? pending_.size() : 0;
}

bool FrameReceiver::take_backlog() {
  if (backlog_.empty()) return false;
  held_.swap(backlog_);
  backlog_.clear();
  rest_ = held_;
  return true;
}

void FrameReceiver::keep_unparsed() {
  if (closing()) {
    // A closing connection parses nothing more.
    pending_.clear();
    backlog_.clear();
    rest_ = {};
    pending_partial_ = false;
    pending_scanned_ = 0;
    return;
  }
  if (!rest_.empty()) {
    pending_.append(rest_);
    pending_partial_ = false;
    rest_ = {};
  }
  if (!backlog_.empty()) {
    pending_.append(backlog_);
    pending_partial_ = false;
    backlog_.clear();
  }
}

void FrameReceiver::pause_reading() {
  if (running_) interrupted_ = true;
  if (paused_) return;
  paused_ = true;
  if (transport() != nullptr) transport()->pause_reading();
}

void FrameReceiver::resume_reading() {
  if (!paused_) return;
  paused_ = false;
  if (!running_ && !pending_.empty() && !closing()) run({});
  // Resume the transport after delivering what was held, unless that paused us again.
  if (!paused_ && transport() != nullptr) transport()->resume_reading();
}

std::size_t FrameReceiver::buffered_size() const noexcept {
  std::size_t n = pending_.size() + rest_.size() + backlog_.size();
  if (in_consume_) {
    n += inject_.size() + (view_size_ - cursor());
    if (view_is_pending_) n -= pending_.size();
  }
  return n;
}

void FrameReceiver::reframe() {
  if (running_) {
    interrupted_ = true;
    return;
  }
  pending_partial_ = false;
  pending_scanned_ = 0;
  if (!pending_.empty() && !paused_ && !closing()) run({});
}

void FrameReceiver::unread(std::string_view bytes) {
  if (bytes.empty()) return;
  if (in_consume_) {
    interrupted_ = true;
    const auto begin = reinterpret_cast<std::uintptr_t>(bytes.data());
    const auto end = begin + bytes.size();
    const auto view_begin = reinterpret_cast<std::uintptr_t>(view_);
    if (inject_.empty() && begin >= view_begin && end == view_begin + cursor()) {
      consumed_ = view_ + (cursor() - bytes.size());  // the bytes just handed out: step back
    } else {
      inject_.insert(0, std::string(bytes));
    }
    return;
  }
  pending_.insert(0, std::string(bytes));
  pending_partial_ = false;
  pending_scanned_ = 0;
  if (!running_ && !paused_ && !closing()) run({});
}

std::string FrameReceiver::clear_buffer() {
  std::string out;
  if (in_consume_) {
    out = std::exchange(inject_, std::string());
    const std::size_t cursor = this->cursor();
    out.append(view_ + cursor, view_size_ - cursor);
    consumed_ = view_ + view_size_;
    interrupted_ = true;
  } else {
    out = std::exchange(pending_, std::string());
  }
  out.append(rest_);
  rest_ = {};
  out.append(backlog_);
  backlog_.clear();
  pending_partial_ = false;
  pending_scanned_ = 0;
  return out;
}

}  // namespace kit::protocols
