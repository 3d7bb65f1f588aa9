// The untyped machinery behind Deferred<T>: the shared chain of steps and its result.
//
// Deferred<T> handles are typed views of one Chain. The chain holds the current result
// (a value in a ValueBox, or a Failure), the steps not yet run, and whether it waits on
// another chain. Everything here runs on one thread (the reactor's).
#ifndef KIT_DETAIL_DEFERRED_CHAIN_H_
#define KIT_DETAIL_DEFERRED_CHAIN_H_

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <typeinfo>
#include <utility>
#include <vector>

#include "kit/detail/value_box.h"
#include "kit/failure.h"
#include "kit/source_location.h"
#include "kit/unique_function.h"

namespace kit {

// Thrown by callback() / errback() on a Deferred that already has a result.
class AlreadyCalledError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace kit

namespace kit::detail {

// The value a Deferred<void> carries.
struct VoidValue {};

template <typename T>
using Stored = std::conditional_t<std::is_void_v<T>, VoidValue, T>;

class Chain;

// An owning reference to a Chain (intrusive, single-threaded count).
class ChainRef {
 public:
  ChainRef() noexcept = default;
  explicit ChainRef(Chain* chain) noexcept;
  ChainRef(const ChainRef& other) noexcept : ChainRef(other.chain_) {}
  ChainRef(ChainRef&& other) noexcept : chain_(std::exchange(other.chain_, nullptr)) {}
  ChainRef& operator=(ChainRef other) noexcept {
    std::swap(chain_, other.chain_);
    return *this;
  }
  ~ChainRef();

  Chain* get() const noexcept { return chain_; }
  Chain* operator->() const noexcept { return chain_; }
  Chain& operator*() const noexcept { return *chain_; }
  explicit operator bool() const noexcept { return chain_ != nullptr; }

 private:
  // Out of line: with the delete inlined into every caller, GCC 12 at -O2 reports a
  // use-after-free that cannot happen (the count is read before the delete of a chain
  // another ChainRef already released), and the last release is rare next to the others.
  static void destroy(Chain* chain) noexcept;

  Chain* chain_ = nullptr;
};

class Chain {
 public:
  // A step takes the current result and leaves the next one, or returns another chain
  // whose result becomes this chain's result once it has one.
  using Step = unique_function<ChainRef(Chain&)>;

  Chain(const std::type_info& input_type, kit::source_location created) noexcept
      : input_type_(&input_type), tail_type_(&input_type), created_(created) {}
  Chain(const Chain&) = delete;
  Chain& operator=(const Chain&) = delete;
  // Reports a failure nobody handled through kit::log.
  ~Chain();

  // ---- the result
  bool called() const noexcept { return called_; }
  bool paused() const noexcept { return paused_ > 0; }
  // has_result: a result can be read now (fired, not waiting, not running callbacks).
  bool has_result() const noexcept { return called_ && paused_ == 0 && !running_; }
  ValueBox& value() noexcept { return value_; }
  std::optional<Failure>& failure() noexcept { return failure_; }

  // fire_value / fire_failure: callback() / errback(). `fire_value` stores the value
  // itself; throws AlreadyCalledError (unless a cancel asked to swallow one late firing).
  template <typename T, typename... Args>
  void fire_value(Args&&... args) {
    if (!begin_firing()) return;
    value_.emplace<T>(std::forward<Args>(args)...);
    run();
  }
  void fire_failure(Failure failure);

  // ---- the steps
  void add_step(Step step);
  // take_result_from: moves `other`'s result here (a step waited on it) and leaves
  // `other` holding no value (Deferred<void>), as Twisted leaves None.
  void take_result_from(Chain& other);
  // chain_after: this chain (the inner one a step returned) hands its result to `outer`.
  void chain_into(const ChainRef& outer);

  // ---- types (checked by the typed handles)
  const std::type_info& input_type() const noexcept { return *input_type_; }
  const std::type_info& tail_type() const noexcept { return *tail_type_; }
  void set_tail_type(const std::type_info& type) noexcept { tail_type_ = &type; }

  // ---- cancellation
  void set_canceller(unique_function<void()> canceller) { canceller_ = std::move(canceller); }
  void clear_canceller() noexcept { canceller_ = nullptr; }
  void cancel();

  // mark_failure_observed: a test assertion looked at the failure; it no longer counts
  // as unhandled.
  void mark_failure_observed() noexcept { failure_observed_ = true; }

  const kit::source_location& created() const noexcept { return created_; }

 private:
  friend class ChainRef;

  bool begin_firing();
  void run();

  ValueBox value_;
  std::optional<Failure> failure_;
  std::vector<Step> steps_;
  std::size_t next_step_ = 0;
  unique_function<void()> canceller_;
  Chain* waiting_on_ = nullptr;  // the chain a step returned, while paused on it
  const std::type_info* input_type_;
  const std::type_info* tail_type_;
  kit::source_location created_;
  std::uint32_t refs_ = 0;
  int paused_ = 0;
  bool called_ = false;
  bool running_ = false;
  bool suppress_already_called_ = false;
  bool failure_observed_ = false;
};

inline ChainRef::ChainRef(Chain* chain) noexcept : chain_(chain) {
  if (chain_ != nullptr) ++chain_->refs_;
}

inline ChainRef::~ChainRef() {
  if (chain_ != nullptr && --chain_->refs_ == 0) destroy(chain_);
}

}  // namespace kit::detail

#endif  // KIT_DETAIL_DEFERRED_CHAIN_H_
