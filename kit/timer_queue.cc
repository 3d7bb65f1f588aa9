#include "kit/timer_queue.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "kit/clock.h"

namespace kit {
namespace {

void add_ref(detail::TimerNode* node) noexcept { ++node->refs; }

void drop_ref(detail::TimerNode* node) noexcept {
  if (--node->refs == 0) delete node;
}

}  // namespace

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

bool DelayedCall::active() const noexcept {
  return node_ != nullptr && node_->heap_index != detail::TimerNode::not_queued;
}

bool DelayedCall::cancel() noexcept {
  if (!active()) return false;
  node_->queue->remove(node_);
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

TimerQueue::TimerQueue(const Clock& clock) : clock_(clock) {}

TimerQueue::~TimerQueue() {
  std::vector<Entry> heap = std::move(heap_);
  heap_.clear();
  // Every call is marked gone before any callable is destroyed: a callable's destructor
  // may cancel another handle of this queue, which must then find it inactive.
  for (Entry& entry : heap) {
    entry.node->heap_index = detail::TimerNode::not_queued;
    entry.node->queue = nullptr;
  }
  for (Entry& entry : heap) {
    entry.node->fn = nullptr;
    drop_ref(entry.node);
  }
}

DelayedCall TimerQueue::add(TimePoint deadline, unique_function<void()> fn) {
  auto* node = new detail::TimerNode;
  node->deadline = deadline;
  node->sequence = next_sequence_++;
  node->queue = this;
  node->fn = std::move(fn);
  add_ref(node);  // the queue's reference
  DelayedCall handle(node);
  std::optional<TimePoint> old_front = next_deadline();
  heap_.push_back({deadline, node->sequence, node});
  node->heap_index = heap_.size() - 1;
  sift_up(node->heap_index);
  notify_if_front(node, old_front);
  return handle;
}

std::optional<TimePoint> TimerQueue::next_deadline() const noexcept {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().deadline;
}

unique_function<void()> TimerQueue::pop_due(TimePoint now) {
  if (heap_.empty() || heap_.front().deadline > now) return nullptr;
  detail::TimerNode* node = heap_.front().node;
  unique_function<void()> fn = std::move(node->fn);
  remove(node);
  return fn;
}

void TimerQueue::remove(detail::TimerNode* node) noexcept {
  std::size_t index = node->heap_index;
  node->heap_index = detail::TimerNode::not_queued;
  Entry last = heap_.back();
  heap_.pop_back();
  if (index < heap_.size()) {
    place(index, last);
    if (index > 0 && before(last, heap_[(index - 1) / 2])) {
      sift_up(index);
    } else {
      sift_down(index);
    }
  }
  // Destroying the callable may run arbitrary destructors; do it after the heap is sound.
  unique_function<void()> fn = std::move(node->fn);
  drop_ref(node);
}

void TimerQueue::reschedule(detail::TimerNode* node, TimePoint deadline) {
  std::optional<TimePoint> old_front = next_deadline();
  node->deadline = deadline;
  node->sequence = next_sequence_++;
  std::size_t index = node->heap_index;
  heap_[index].deadline = deadline;
  heap_[index].sequence = node->sequence;
  sift_up(index);
  sift_down(node->heap_index);
  notify_if_front(node, old_front);
}

void TimerQueue::notify_if_front(detail::TimerNode* node, std::optional<TimePoint> old_front) {
  if (node->heap_index == 0 && on_earlier_front_ && (!old_front || node->deadline < *old_front)) {
    on_earlier_front_();
  }
}

void TimerQueue::place(std::size_t index, const Entry& entry) noexcept {
  heap_[index] = entry;
  entry.node->heap_index = index;
}

void TimerQueue::sift_up(std::size_t index) noexcept {
  Entry entry = heap_[index];
  while (index > 0) {
    std::size_t parent = (index - 1) / 2;
    if (!before(entry, heap_[parent])) break;
    place(index, heap_[parent]);
    index = parent;
  }
  place(index, entry);
}

void TimerQueue::sift_down(std::size_t index) noexcept {
  Entry entry = heap_[index];
  const std::size_t size = heap_.size();
  while (true) {
    std::size_t child = 2 * index + 1;
    if (child >= size) break;
    if (child + 1 < size && before(heap_[child + 1], heap_[child])) ++child;
    if (!before(heap_[child], entry)) break;
    place(index, heap_[child]);
    index = child;
  }
  place(index, entry);
}

}  // namespace kit
