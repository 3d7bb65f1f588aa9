// FrameReceiver: the receive loop that every framing of protocols/basic/ shares.
//
// A framing (lines, length prefixes, netstrings) cuts the byte stream into frames and
// hands each to a callback. What is hard about that is the same for all of them, and it
// lives here once:
//
//  - Frames that lie wholly inside the chunk being received are handed out as views into
//    that chunk, with no copy. Only a frame that straddles chunks is carried over, and then
//    only the bytes that frame needs are copied (see frame_end()).
//  - A callback may stop the loop between two frames: by closing the connection
//    (transport()->disconnecting()), by pause_reading(), by switching framings (a
//    LineReceiver going raw), by unread() or clear_buffer(). Input not yet parsed is kept
//    and parsed later, in order, in the new state.
//  - pause_reading() pauses the transport too and holds what has already arrived; no frame
//    is delivered until resume_reading(), which then delivers the held ones at once.
//    This is Twisted's pauseProducing/resumeProducing on a LineReceiver.
//  - data_received() called again from inside a callback appends to the input instead of
//    recursing.
//
// A framing implements consume() (parse complete frames from contiguous input) and
// frame_end() (how much more input a carried, incomplete frame needs).
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_BASIC_FRAME_RECEIVER_H_
#define KIT_PROTOCOLS_BASIC_FRAME_RECEIVER_H_

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include "kit/protocol.h"

namespace kit::protocols {

class FrameReceiver : public Protocol {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  // data_received: parses `data` into frames. A subclass that overrides it (to note
  // activity, say) calls FrameReceiver::data_received.
  void data_received(std::string_view data) override;

  // pause_reading: no frame is delivered until resume_reading(); the transport is paused
  // too, and whatever arrives meanwhile is held. May be called from a frame callback: the
  // frames after it in the same chunk wait.
  void pause_reading();

  // resume_reading: resumes the transport and delivers the held frames, in order, before
  // returning (unless a callback pauses or closes again).
  void resume_reading();

  bool reading_paused() const noexcept { return paused_; }

  // buffered_size: bytes received but not yet parsed into frames.
  std::size_t buffered_size() const noexcept;

 protected:
  FrameReceiver() = default;

  // consume: parses the complete frames at the start of `input` and delivers each. Before
  // delivering a frame, call mark_consumed() with the end of it; after each callback,
  // return at once if interrupted(). What is left unconsumed on a normal return must be
  // one incomplete frame, already checked against the framing's limits: it is carried
  // over and completed through frame_end(). The first `scanned` bytes of `input` are
  // known to hold no frame end (they were looked at before), so a framing that searches
  // for a delimiter may start later.
  virtual void consume(std::string_view input, std::size_t scanned) = 0;

  // frame_end: `carried` is the incomplete frame consume() left; `next` is new input.
  // Returns how many bytes of `next` to add to it before calling consume() again: enough
  // to complete the frame, or to show it breaks a limit; npos (or next.size()) when all
  // of `next` belongs to the frame. Must not call back into the protocol.
  virtual std::size_t frame_end(std::string_view carried, std::string_view next) = 0;

  // mark_consumed: everything in consume()'s input before `end` is parsed.
  void mark_consumed(const char* end) noexcept { consumed_ = end; }

  // interrupted: consume() must return now (a callback paused, switched framing, unread
  // or cleared input), or the connection is closing and no more frames are wanted.
  bool interrupted() const noexcept {
    return interrupted_ || (transport() != nullptr && transport()->disconnecting());
  }

  // interrupt_requested: interrupted() less the transport's disconnecting(), for a
  // framing that checks that itself.
  bool interrupt_requested() const noexcept { return interrupted_; }

  // reframe: the framing's state changed (a mode switch) in a way that changes how
  // buffered input is read. Inside consume() this interrupts it; outside, input that
  // was held as an incomplete frame is parsed again at once.
  void reframe();

  // unread: puts `bytes` back before any input not yet parsed, to be parsed next. When
  // `bytes` is the tail of what the current callback was given (a LineReceiver's raw
  // callback handing back what follows its data), nothing is copied.
  void unread(std::string_view bytes);

  // clear_buffer: drops every byte received but not yet parsed and returns them.
  std::string clear_buffer();

 private:
  void run(std::string_view chunk);
  void consume_view(std::string_view view, bool from_pending, std::size_t scanned);
  bool take_backlog();
  void keep_unparsed();
  // cursor: how much of the view consume() has parsed.
  std::size_t cursor() const noexcept {
    return std::min(static_cast<std::size_t>(consumed_ - view_), view_size_);
  }
  bool closing() const noexcept { return transport() != nullptr && transport()->disconnecting(); }

  // Unparsed input, in the order it is parsed: pending_, then rest_ (the part of the
  // chunk being received that is not yet in pending_ or view_), then backlog_ (data
  // received from inside a callback).
  std::string pending_;
  bool pending_partial_ = false;     // pending_ is one incomplete frame, already checked
  std::size_t pending_scanned_ = 0;  // leading bytes of pending_ known to hold no frame end
  std::string_view rest_;
  std::string backlog_;
  std::string held_;    // owns backlog_'s bytes while rest_ points into them
  std::string inject_;  // unread() bytes that go before view_'s unparsed tail

  // The input consume() is parsing: a view of pending_ or of the chunk, and the end of
  // what it has parsed.
  const char* view_ = nullptr;
  std::size_t view_size_ = 0;
  const char* consumed_ = nullptr;
  bool in_consume_ = false;
  bool view_is_pending_ = false;

  bool running_ = false;
  bool interrupted_ = false;
  bool paused_ = false;
};

}  // namespace kit::protocols

#endif  // KIT_PROTOCOLS_BASIC_FRAME_RECEIVER_H_
