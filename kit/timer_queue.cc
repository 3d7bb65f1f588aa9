#include "kit/timer_queue.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "kit/clock.h"

namespace kit {
namespace {

void add_ref(detail::TimerNode* node) noexcept { ++node->refs; }

void drop_ref(detail::TimerNode* node) noexcept {
  if (--node->refs == 0) node->pool->destroy(node);
}

}  // namespace

// ---- TimerNodePool

namespace detail {

TimerNode* TimerNodePool::make() {
  if (free_ == nullptr) {
    std::size_t count = next_chunk_size_;
    next_chunk_size_ = count < 65536 ? count * 2 : count;
    chunks_.push_back(std::make_unique<Slot[]>(count));
    Slot* chunk = chunks_.back().get();
    for (std::size_t i = count; i-- > 0;) {
      chunk[i].next_free = free_;
      free_ = &chunk[i];
    }
  }
  Slot* slot = free_;
  free_ = slot->next_free;
  ++live_;
  auto* node = ::new (static_cast<void*>(slot->node)) TimerNode;
  node->pool = this;
  return node;
}

void TimerNodePool::destroy(TimerNode* node) noexcept {
  node->~TimerNode();
  auto* slot = reinterpret_cast<Slot*>(node);
  slot->next_free = free_;
  free_ = slot;
  if (--live_ == 0 && orphaned_) delete this;
}

void TimerNodePool::orphan() noexcept {
  orphaned_ = true;
  if (live_ == 0) delete this;
}

TimerNodePool::~TimerNodePool() = default;

}  // namespace detail

// ---- DelayedCall

DelayedCall::DelayedCall(detail::TimerNode* node) noexcept : node_(node) { add_ref(node_); }

DelayedCall::DelayedCall(DelayedCall&& other) noexcept
    : node_(std::exchange(other.node_, nullptr)) {}

DelayedCall& DelayedCall::operator=(DelayedCall&& other) noexcept {
  if (this != &other) {
    cancel();
    release();
    node_ = std::exchange(other.node_, nullptr);
  }
  return *this;
}

DelayedCall::~DelayedCall() {
  cancel();
  release();
}

void DelayedCall::release() noexcept {
  if (node_ != nullptr) drop_ref(std::exchange(node_, nullptr));
}

bool DelayedCall::active() const noexcept { return node_ != nullptr && node_->queued; }

bool DelayedCall::cancel() noexcept {
  if (!active()) return false;
  node_->queue->cancel(node_);
  return true;
}

void DelayedCall::reset(Duration delay) {
  if (!active()) {
    throw std::logic_error("DelayedCall::reset: the call already ran or was cancelled");
  }
  if (delay < Duration::zero()) {
    throw std::invalid_argument("DelayedCall::reset: negative delay of " +
                                std::to_string(delay.count()) + " ns");
  }
  TimePoint now = node_->queue->clock().now();
  if (now > TimePoint::max() - delay) {
    throw std::invalid_argument("DelayedCall::reset: a delay of " + std::to_string(delay.count()) +
                                " ns is beyond the clock's range");
  }
  node_->queue->reschedule(node_, now + delay);
}

void DelayedCall::delay(Duration by) {
  if (!active()) {
    throw std::logic_error("DelayedCall::delay: the call already ran or was cancelled");
  }
  TimePoint now = node_->queue->clock().now();
  TimePoint deadline = node_->deadline;
  if (by > Duration::zero() && deadline > TimePoint::max() - by) {
    throw std::invalid_argument("DelayedCall::delay: " + std::to_string(by.count()) +
                                " ns later is beyond the clock's range");
  }
  // Earlier than now() (or than the clock's range) means now().
  deadline = by < Duration::zero() && deadline < TimePoint::min() - by ? now : deadline + by;
  node_->queue->reschedule(node_, deadline < now ? now : deadline);
}

TimePoint DelayedCall::deadline() const noexcept {
  return node_ != nullptr ? node_->deadline : TimePoint{};
}

void DelayedCall::detach() noexcept { release(); }

// ---- TimerQueue

TimerQueue::TimerQueue(const Clock& clock) : clock_(clock), pool_(new detail::TimerNodePool) {}

TimerQueue::~TimerQueue() {
  std::vector<Entry> heap = std::move(heap_);
  heap_.clear();
  live_ = 0;
  // Every call is marked gone before any callable is destroyed: a callable's destructor
  // may cancel another handle of this queue, which must then find it inactive.
  for (Entry& entry : heap) {
    entry.node->queued = false;
    entry.node->queue = nullptr;
  }
  for (Entry& entry : heap) {
    entry.node->fn = nullptr;
    drop_ref(entry.node);
  }
  pool_->orphan();
}

DelayedCall TimerQueue::add(TimePoint deadline, unique_function<void()> fn) {
  detail::TimerNode* node = pool_->make();
  node->deadline = deadline;
  node->queue = this;
  node->fn = std::move(fn);
  DelayedCall handle(node);
  node->queued = true;
  ++live_;
  push(node);
  return handle;
}

void TimerQueue::push(detail::TimerNode* node) {
  const bool earlier = heap_.empty() || node->deadline < heap_.front().deadline;
  node->sequence = next_sequence_++;
  add_ref(node);  // the entry's reference
  heap_.push_back({node->deadline, node->sequence, node});
  sift_up(heap_.size() - 1);
  if (earlier && on_earlier_front_) on_earlier_front_();
}

std::optional<TimePoint> TimerQueue::next_deadline() const noexcept {
  if (heap_.empty()) return std::nullopt;  // the front is never stale (see drop_stale_front)
  return heap_.front().deadline;
}

unique_function<void()> TimerQueue::pop_due(TimePoint now) {
  if (heap_.empty() || heap_.front().deadline > now) return nullptr;
  detail::TimerNode* node = heap_.front().node;
  unique_function<void()> fn = std::move(node->fn);
  node->queued = false;
  --live_;
  pop_front();
  drop_stale_front();
  return fn;
}

void TimerQueue::cancel(detail::TimerNode* node) noexcept {
  node->queued = false;
  --live_;
  // Destroying the callable may run arbitrary destructors; do it after the heap is sound.
  unique_function<void()> fn = std::move(node->fn);
  drop_stale_front();
  if (heap_.size() > 64 && heap_.size() > 2 * live_) compact();
}

void TimerQueue::reschedule(detail::TimerNode* node, TimePoint deadline) {
  node->deadline = deadline;
  push(node);  // the old entry is stale now: its sequence no longer matches
  drop_stale_front();
  if (heap_.size() > 64 && heap_.size() > 2 * live_) compact();
}

void TimerQueue::pop_front() noexcept {
  detail::TimerNode* node = heap_.front().node;
  Entry last = heap_.back();
  heap_.pop_back();
  const std::size_t size = heap_.size();
  if (size > 0) {
    // Floyd's pop: walk the hole down to a leaf along the smallest children, then put
    // the last entry there and sift it up. The last entry nearly always belongs near the
    // bottom, so this saves a comparison on every level.
    std::size_t hole = 0;
    while (true) {
      std::size_t first = arity * hole + 1;
      if (first >= size) break;
      std::size_t end = first + arity < size ? first + arity : size;
      std::size_t best = first;
      for (std::size_t child = first + 1; child < end; ++child) {
        if (before(heap_[child], heap_[best])) best = child;
      }
      heap_[hole] = heap_[best];
      hole = best;
    }
    heap_[hole] = last;
    sift_up(hole);
  }
  drop_ref(node);
}

void TimerQueue::drop_stale_front() noexcept {
  while (!heap_.empty() && stale(heap_.front())) pop_front();
}

void TimerQueue::compact() noexcept {
  std::size_t kept = 0;
  for (Entry& entry : heap_) {
    if (stale(entry)) {
      drop_ref(entry.node);
    } else {
      heap_[kept++] = entry;
    }
  }
  heap_.resize(kept);
  if (heap_.size() > 1) {
    for (std::size_t i = (heap_.size() - 2) / arity + 1; i-- > 0;) sift_down(i);
  }
}

void TimerQueue::sift_up(std::size_t index) noexcept {
  Entry entry = heap_[index];
  while (index > 0) {
    std::size_t parent = (index - 1) / arity;
    if (!before(entry, heap_[parent])) break;
    heap_[index] = heap_[parent];
    index = parent;
  }
  heap_[index] = entry;
}

void TimerQueue::sift_down(std::size_t index) noexcept {
  Entry entry = heap_[index];
  const std::size_t size = heap_.size();
  while (true) {
    std::size_t first = arity * index + 1;
    if (first >= size) break;
    std::size_t last = first + arity < size ? first + arity : size;
    std::size_t best = first;
    for (std::size_t child = first + 1; child < last; ++child) {
      if (before(heap_[child], heap_[best])) best = child;
    }
    if (!before(heap_[best], entry)) break;
    heap_[index] = heap_[best];
    index = best;
  }
  heap_[index] = entry;
}

}  // namespace kit
