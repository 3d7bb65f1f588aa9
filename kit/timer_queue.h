// TimerQueue: the pending calls of a Clock, ordered by (deadline, order scheduled).
//
// An indexed binary heap: scheduling, cancelling and resetting a call are O(log n) and
// a million pending calls cost about 40 bytes of heap each plus their node. FakeClock and
// the live reactor both keep their calls here; they differ only in how time moves.
//
// Thread safety: one thread (the clock's).
#ifndef KIT_TIMER_QUEUE_H_
#define KIT_TIMER_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "kit/delayed_call.h"
#include "kit/time.h"
#include "kit/unique_function.h"

namespace kit {

class Clock;

namespace detail {

struct TimerNode {
  static constexpr std::size_t not_queued = static_cast<std::size_t>(-1);

  TimePoint deadline{};
  std::uint64_t sequence = 0;
  std::size_t heap_index = not_queued;
  TimerQueue* queue = nullptr;  // null once the queue is destroyed
  unique_function<void()> fn;
  std::uint32_t refs = 0;  // one for the handle, one while queued
};

}  // namespace detail

class TimerQueue {
 public:
  // `clock` answers now() for DelayedCall::reset; it must outlive the queue.
  explicit TimerQueue(const Clock& clock);
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;
  // Cancels every pending call; handles that outlive the queue report !active().
  ~TimerQueue();

  // add: schedules `fn` at `deadline`.
  DelayedCall add(TimePoint deadline, unique_function<void()> fn);

  bool empty() const noexcept { return heap_.empty(); }
  std::size_t size() const noexcept { return heap_.size(); }

  // next_deadline: the earliest pending deadline, if any.
  std::optional<TimePoint> next_deadline() const noexcept;

  // pop_due: removes the earliest call if its deadline is at or before `now` and returns
  // its function (empty when nothing is due). The caller runs it; by then the call's
  // handle reports !active().
  unique_function<void()> pop_due(TimePoint now);

  // set_on_earlier_front: `fn` runs whenever the earliest deadline becomes earlier than it
  // was (a new call, or one reset sooner), so a live reactor can re-arm its one timer.
  void set_on_earlier_front(unique_function<void()> fn) { on_earlier_front_ = std::move(fn); }

  const Clock& clock() const noexcept { return clock_; }

 private:
  friend class DelayedCall;

  struct Entry {
    TimePoint deadline;
    std::uint64_t sequence;
    detail::TimerNode* node;
  };

  static bool before(const Entry& a, const Entry& b) noexcept {
    return a.deadline < b.deadline || (a.deadline == b.deadline && a.sequence < b.sequence);
  }

  void remove(detail::TimerNode* node) noexcept;
  void reschedule(detail::TimerNode* node, TimePoint deadline);
  void place(std::size_t index, const Entry& entry) noexcept;
  void sift_up(std::size_t index) noexcept;
  void sift_down(std::size_t index) noexcept;
  void notify_if_front(detail::TimerNode* node, std::optional<TimePoint> old_front);

  const Clock& clock_;
  std::vector<Entry> heap_;
  std::uint64_t next_sequence_ = 0;
  unique_function<void()> on_earlier_front_;
};

}  // namespace kit

#endif  // KIT_TIMER_QUEUE_H_
