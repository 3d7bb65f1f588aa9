// TimerQueue: the pending calls of a Clock, ordered by (deadline, order scheduled).
//
// A 4-ary heap of (deadline, order, node) entries. Sifting moves entries within one
// array and never touches the nodes, so a million pending calls schedule and fire
// quickly. Cancelling marks the node and leaves its entry behind; resetting adds a new
// entry and leaves the old one behind. Entries left behind are dropped when they reach
// the top, or all at once when they outnumber the live ones, so memory stays bounded by
// about twice the pending calls however often a timeout is reset. FakeClock and the
// live reactor both keep their calls here; they differ only in how time moves.
//
// Thread safety: one thread (the clock's).
#ifndef KIT_TIMER_QUEUE_H_
#define KIT_TIMER_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "kit/delayed_call.h"
#include "kit/time.h"
#include "kit/unique_function.h"

namespace kit {

class Clock;

namespace detail {

class TimerNodePool;

struct TimerNode {
  TimePoint deadline{};
  std::uint64_t sequence = 0;     // of the node's live entry; older entries are stale
  bool queued = false;            // scheduled, neither run nor cancelled
  TimerQueue* queue = nullptr;    // null once the queue is destroyed
  TimerNodePool* pool = nullptr;  // where the node's memory goes back to
  unique_function<void()> fn;
  std::uint32_t refs = 0;  // one for the handle, one per heap entry
};

// The memory of one queue's nodes: carved from growing chunks and recycled through a
// free list, so scheduling and firing calls does not go through malloc. It outlives
// its queue while handles still hold nodes, and goes with the last of them.
class TimerNodePool {
 public:
  TimerNodePool() = default;
  TimerNodePool(const TimerNodePool&) = delete;
  TimerNodePool& operator=(const TimerNodePool&) = delete;

  TimerNode* make();
  void destroy(TimerNode* node) noexcept;
  // orphan: the queue is gone; the pool deletes itself once no node is left.
  void orphan() noexcept;

 private:
  ~TimerNodePool();

  union Slot {
    Slot* next_free;
    alignas(TimerNode) unsigned char node[sizeof(TimerNode)];
  };

  std::vector<std::unique_ptr<Slot[]>> chunks_;
  Slot* free_ = nullptr;
  std::size_t next_chunk_size_ = 64;
  std::size_t live_ = 0;
  bool orphaned_ = false;
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

  bool empty() const noexcept { return live_ == 0; }
  // size: pending calls (not counting entries left behind by cancel and reset).
  std::size_t size() const noexcept { return live_; }

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

  static constexpr std::size_t arity = 4;

  static bool before(const Entry& a, const Entry& b) noexcept {
    return a.deadline < b.deadline || (a.deadline == b.deadline && a.sequence < b.sequence);
  }
  static bool stale(const Entry& e) noexcept {
    return !e.node->queued || e.node->sequence != e.sequence;
  }

  void cancel(detail::TimerNode* node) noexcept;
  void reschedule(detail::TimerNode* node, TimePoint deadline);
  void push(detail::TimerNode* node);
  void pop_front() noexcept;
  void drop_stale_front() noexcept;
  void compact() noexcept;
  void sift_up(std::size_t index) noexcept;
  void sift_down(std::size_t index) noexcept;

  const Clock& clock_;
  detail::TimerNodePool* pool_;
  std::vector<Entry> heap_;
  std::size_t live_ = 0;
  std::uint64_t next_sequence_ = 0;
  unique_function<void()> on_earlier_front_;
};

}  // namespace kit

#endif  // KIT_TIMER_QUEUE_H_
