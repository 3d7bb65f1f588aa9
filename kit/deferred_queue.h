// DeferredQueue<T>: a queue whose get() and put() are Deferreds (Twisted's DeferredQueue).
//
// get() fires with the oldest item, now or when one is put. put() fires once the item is
// in the queue: at once while there is room, later when the queue is full (`size`
// items), which is how a producer feels back-pressure. At most `backlog` get() calls may
// wait at once; one more fails at once with errc::protocol_error ("queue underflow").
// Cancelling a waiting get() or put() takes it out of line (a cancelled put's item is
// dropped). Destroying the queue fails whatever still waits with errc::cancelled.
//
// Thread safety: the reactor's thread.
#ifndef KIT_DEFERRED_QUEUE_H_
#define KIT_DEFERRED_QUEUE_H_

#include <algorithm>
#include <cstddef>
#include <deque>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>

#include "kit/deferred.h"

namespace kit {

template <typename T>
class DeferredQueue {
 public:
  static constexpr std::size_t unbounded = std::numeric_limits<std::size_t>::max();

  explicit DeferredQueue(std::size_t size = unbounded, std::size_t backlog = unbounded)
      : size_(size), backlog_(backlog) {
    if (size == 0) throw std::invalid_argument("DeferredQueue: size must be at least one");
  }
  DeferredQueue(const DeferredQueue&) = delete;
  DeferredQueue& operator=(const DeferredQueue&) = delete;
  ~DeferredQueue() {
    auto getters = std::move(getters_);
    auto putters = std::move(putters_);
    getters_.clear();
    putters_.clear();
    for (auto& getter : getters) getter->fired.errback(Failure(errc::cancelled, "queue destroyed"));
    for (auto& putter : putters) putter->fired.errback(Failure(errc::cancelled, "queue destroyed"));
  }

  // put: adds `item`; fires once it is in the queue (or handed to a waiting get()).
  Deferred<void> put(T item) {
    if (!getters_.empty()) {
      std::shared_ptr<Getter> getter = std::move(getters_.front());
      getters_.pop_front();
      getter->fired.callback(std::move(item));
      return succeed();
    }
    if (items_.size() < size_) {
      items_.push_back(std::move(item));
      return succeed();
    }
    auto putter = std::make_shared<Putter>(std::move(item));
    std::weak_ptr<Putter> weak = putter;
    putter->fired = Deferred<void>([this, weak](Deferred<void>&) { erase(putters_, weak); });
    putters_.push_back(putter);
    return putter->fired;
  }

  // get: the oldest item, now or when one arrives.
  Deferred<T> get() {
    if (!items_.empty()) {
      T item = std::move(items_.front());
      items_.pop_front();
      admit_waiting_put();
      return succeed(std::move(item));
    }
    if (getters_.size() >= backlog_) {
      return fail<T>(
          Failure(errc::protocol_error, "queue underflow: too many waiting get() calls"));
    }
    auto getter = std::make_shared<Getter>();
    std::weak_ptr<Getter> weak = getter;
    getter->fired = Deferred<T>([this, weak](Deferred<T>&) { erase(getters_, weak); });
    getters_.push_back(getter);
    return getter->fired;
  }

  std::size_t size() const noexcept { return items_.size(); }
  std::size_t waiting_gets() const noexcept { return getters_.size(); }
  std::size_t waiting_puts() const noexcept { return putters_.size(); }

 private:
  struct Getter {
    Deferred<T> fired;
  };
  struct Putter {
    explicit Putter(T i) : item(std::move(i)) {}
    T item;
    Deferred<void> fired;
  };

  template <typename W>
  static void erase(std::deque<std::shared_ptr<W>>& line, const std::weak_ptr<W>& weak) {
    auto target = weak.lock();
    auto it = std::find(line.begin(), line.end(), target);
    if (it != line.end()) line.erase(it);
  }

  // A get() made room: the first waiting put() gets its item in.
  void admit_waiting_put() {
    if (putters_.empty() || items_.size() >= size_) return;
    std::shared_ptr<Putter> putter = std::move(putters_.front());
    putters_.pop_front();
    items_.push_back(std::move(putter->item));
    putter->fired.callback();
  }

  std::size_t size_;
  std::size_t backlog_;
  std::deque<T> items_;
  std::deque<std::shared_ptr<Getter>> getters_;
  std::deque<std::shared_ptr<Putter>> putters_;
};

}  // namespace kit

#endif  // KIT_DEFERRED_QUEUE_H_
