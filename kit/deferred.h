// Deferred<T>: a result that is not there yet, with a chain of callbacks for success
// and a chain for failure (Twisted's Deferred), usable from C++20 coroutines.
//
//   kit::Deferred<int> d;
//   d.add_callback([](int n) { return std::to_string(n); })   // now a Deferred<std::string>
//       .add_errback([](const kit::Failure& f) { return std::string("none"); });
//   d.callback(42);
//
// The chain. Each callback receives the current result and returns the next one:
//  - a plain value (of any type: the chain goes on with that type),
//  - a kit::Failure (the chain switches to the errbacks),
//  - a Deferred<U> (the chain waits for it and goes on with its result),
//  - an Outcome<U> (a value or a failure, decided at run time),
//  - nothing (void: the chain goes on with no value).
// An exception thrown by a callback becomes a Failure. An errback (taking
// `const Failure&`) may recover by returning a value; to pass the failure on it returns
// it (or rethrows it).
//
// Handles. A Deferred<T> is a counted handle to one chain; copies share it. The handle
// returned by add_callback() is the same chain, typed with the callback's result; keep
// using that one once the type has changed (the old handle's T no longer matches and
// its add_* throw std::logic_error). callback() fires the chain from its start, so it is
// called on a handle of the chain's first type.
//
// Failures nobody handled are reported through kit::log when the chain is destroyed
// ("Unhandled error in Deferred (created at file:line): ..."); the kit's test main turns
// that into a failure of the running test.
//
// Coroutines. A function returning Deferred<T> may be a coroutine: it may co_await any
// Deferred<U> (a failure is thrown as an exception, see Failure::rethrow) and
// `co_await clock.sleep(d)`; an exception escaping it fails the returned Deferred, and
// cancelling that Deferred cancels what the coroutine is awaiting. The coroutine starts
// at once, like Twisted's inlineCallbacks, and its frame is freed when it finishes, or
// when what it awaits is destroyed without a result.
//
// Thread safety: a chain and its handles belong to one thread (the reactor's). Work on
// other threads comes back through Reactor::defer_to_thread.
#ifndef KIT_DEFERRED_H_
#define KIT_DEFERRED_H_

#include <coroutine>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "kit/clock.h"
#include "kit/detail/deferred_chain.h"
#include "kit/failure.h"
#include "kit/outcome.h"
#include "kit/source_location.h"
#include "kit/unique_function.h"

namespace kit {

template <typename T>
class Deferred;

namespace detail {

template <typename T>
class DeferredPromise;

// What a callback's return type R means for the chain.
template <typename R>
struct StepResult {
  using value_type = R;  // the type the chain goes on with
  static constexpr bool always_fails = false;
};
template <>
struct StepResult<Failure> {
  using value_type = void;
  static constexpr bool always_fails = true;
};
template <typename U>
struct StepResult<Deferred<U>> {
  using value_type = U;
  static constexpr bool always_fails = false;
};
template <typename U>
struct StepResult<Outcome<U>> {
  using value_type = U;
  static constexpr bool always_fails = false;
};

// Stand-ins for the half of a step that passes the result through.
struct PassValue {};
struct PassFailure {};

template <typename T, typename CB>
using callback_return_t =
    std::decay_t<typename std::conditional_t<std::is_void_v<T>, std::invoke_result<CB&>,
                                             std::invoke_result<CB&, Stored<T>&&>>::type>;

template <typename D>
struct IsDeferred : std::false_type {};
template <typename U>
struct IsDeferred<Deferred<U>> : std::true_type {};
template <typename D>
struct IsOutcome : std::false_type {};
template <typename U>
struct IsOutcome<Outcome<U>> : std::true_type {};

template <typename T, typename CB>
struct ValueBranch {
  using type = callback_return_t<T, CB>;
};
template <typename T>
struct ValueBranch<T, PassValue> {
  using type = T;
};
template <typename T, typename EB>
struct FailureBranch {
  using type = std::decay_t<std::invoke_result_t<EB&, const Failure&>>;
};
template <typename T>
struct FailureBranch<T, PassFailure> {
  using type = Failure;
};

// The type the chain goes on with after a step whose branches return R1 and R2.
template <typename T, typename R1, typename R2>
struct NextType {
  using V1 = typename StepResult<R1>::value_type;
  using V2 = typename StepResult<R2>::value_type;
  static constexpr bool f1 = StepResult<R1>::always_fails;
  static constexpr bool f2 = StepResult<R2>::always_fails;
  static_assert(f1 || f2 || std::is_same_v<V1, V2>,
                "a callback and an errback of one step must give the same type");
  using type = std::conditional_t<!f1, V1, std::conditional_t<!f2, V2, T>>;
};

// Stores `result` as the chain's next result; returns a chain to wait on, if any.
template <typename R>
ChainRef deliver(Chain& chain, R&& result) {
  using D = std::decay_t<R>;
  if constexpr (std::is_same_v<D, Failure>) {
    chain.failure() = std::forward<R>(result);
    return {};
  } else if constexpr (IsDeferred<D>::value) {
    return result.chain();
  } else if constexpr (IsOutcome<D>::value) {
    using U = typename StepResult<D>::value_type;
    if (result.has_failure()) {
      chain.failure() = result.failure();
    } else if (result.pending()) {
      chain.failure() = Failure(std::make_exception_ptr(
          std::logic_error("a Deferred callback returned a pending Outcome")));
    } else if constexpr (std::is_void_v<U>) {
      chain.value().template emplace<VoidValue>();
    } else {
      chain.value().template emplace<U>(std::move(result).value());
    }
    return {};
  } else {
    chain.value().template emplace<D>(std::forward<R>(result));
    return {};
  }
}

// Calls `fn(args...)` and delivers what it returns (nothing, for void).
template <typename F, typename... Args>
ChainRef invoke_and_deliver(Chain& chain, F& fn, Args&&... args) {
  using R = std::invoke_result_t<F&, Args&&...>;
  if constexpr (std::is_void_v<R>) {
    fn(std::forward<Args>(args)...);
    chain.value().template emplace<VoidValue>();
    return {};
  } else {
    return deliver(chain, fn(std::forward<Args>(args)...));
  }
}

[[noreturn]] void throw_type_mismatch(const char* operation, const std::type_info& expected,
                                      const std::type_info& actual);
[[noreturn]] void throw_empty(const char* operation);

}  // namespace detail

template <typename T>
class Deferred {
  static_assert(!std::is_same_v<std::decay_t<T>, Failure>, "Deferred<Failure> makes no sense");
  static_assert(!std::is_reference_v<T>, "Deferred<T&> is not supported; use a pointer");

 public:
  using value_type = T;
  using promise_type = detail::DeferredPromise<T>;
  // A canceller runs when cancel() is called before a result; it may fire the Deferred
  // (usually errback). If it does not, cancel() errbacks with errc::cancelled.
  using Canceller = unique_function<void(Deferred<T>&)>;

  // A new Deferred without a result.
  explicit Deferred(kit::source_location created = kit::source_location::current())
      : chain_(new detail::Chain(typeid(detail::Stored<T>), created)) {}
  explicit Deferred(Canceller canceller,
                    kit::source_location created = kit::source_location::current())
      : Deferred(created) {
    set_canceller(std::move(canceller));
  }

  // callback: gives the chain its result (throws AlreadyCalledError when it has one).
  template <typename U = T>
  requires(!std::is_void_v<U>) void callback(U value) {
    check_input("callback");
    chain_->template fire_value<T>(std::move(value));
  }
  void callback() requires std::is_void_v<T> {
    check_input("callback");
    chain_->template fire_value<detail::VoidValue>();
  }

  // errback: gives the chain a failure (throws AlreadyCalledError when it has a result).
  void errback(Failure failure) {
    check_chain("errback");
    chain_->fire_failure(std::move(failure));
  }

  // add_callbacks: one step of the chain: `cb` gets a value, `eb` gets a failure.
  template <typename CB, typename EB>
  auto add_callbacks(CB cb, EB eb) {
    return add_step<CB, EB>(std::move(cb), std::move(eb), "add_callbacks");
  }
  // add_callback: `cb` gets a value; a failure passes it by.
  template <typename CB>
  auto add_callback(CB cb) {
    return add_step<CB, detail::PassFailure>(std::move(cb), {}, "add_callback");
  }
  // add_errback: `eb` gets a failure; a value passes it by.
  template <typename EB>
  auto add_errback(EB eb) {
    static_assert(
        std::is_same_v<
            typename detail::StepResult<typename detail::FailureBranch<T, EB>::type>::value_type,
            T> ||
            detail::StepResult<typename detail::FailureBranch<T, EB>::type>::always_fails,
        "an errback must give the Deferred's own type (or a Failure)");
    return add_step<detail::PassValue, EB>({}, std::move(eb), "add_errback");
  }
  // add_both: `fn` gets an Outcome<T> whatever happened (Twisted's addBoth).
  template <typename F>
  auto add_both(F fn) {
    auto shared = std::make_shared<F>(std::move(fn));  // one function for both halves
    auto on_value = [shared](detail::Stored<T>&& value) {
      if constexpr (std::is_void_v<T>) {
        return (*shared)(Outcome<T>::success());
      } else {
        return (*shared)(Outcome<T>(std::move(value)));
      }
    };
    auto on_failure = [shared](const Failure& failure) { return (*shared)(Outcome<T>(failure)); };
    return add_step_erased(std::move(on_value), std::move(on_failure), "add_both");
  }

  // cancel: see Canceller. When the chain waits on another Deferred, that one is
  // cancelled. With a result already there, nothing happens.
  void cancel() {
    check_chain("cancel");
    chain_->cancel();
  }

  // add_timeout: when `clock` reaches now + `timeout` before this Deferred has a result,
  // cancels it and turns the cancellation into errc::timed_out.
  Deferred<T> add_timeout(Duration timeout, Clock& clock);

  // called: callback() or errback() happened. paused: waiting on another Deferred.
  bool called() const { return chain_ && chain_->called(); }
  bool paused() const { return chain_ && chain_->paused(); }
  // has_result: the chain has a result now (called, not waiting, not running).
  bool has_result() const { return chain_ && chain_->has_result(); }

  // peek_value / peek_failure: the current result, for test assertions
  // (testing/deferred_assertions.h); nullptr when there is none of that kind.
  const detail::Stored<T>* peek_value() const {
    if (!has_result() || chain_->failure() || chain_->tail_type() != typeid(detail::Stored<T>)) {
      return nullptr;
    }
    return &chain_->value().template get<detail::Stored<T>>();
  }
  const Failure* peek_failure() const {
    if (!has_result() || !chain_->failure()) return nullptr;
    return &*chain_->failure();
  }
  // mark_failure_observed: a test looked at the failure; it is no longer "unhandled".
  void mark_failure_observed() const {
    if (chain_) chain_->mark_failure_observed();
  }

  // The chain behind this handle (for the kit's own machinery).
  const detail::ChainRef& chain() const noexcept { return chain_; }
  explicit Deferred(detail::ChainRef chain) noexcept : chain_(std::move(chain)) {}

 private:
  template <typename U>
  friend class Deferred;
  friend class detail::DeferredPromise<T>;

  void check_chain(const char* operation) const {
    if (!chain_) detail::throw_empty(operation);
  }
  void check_input(const char* operation) const {
    check_chain(operation);
    if (chain_->input_type() != typeid(detail::Stored<T>)) {
      detail::throw_type_mismatch(operation, chain_->input_type(), typeid(detail::Stored<T>));
    }
  }
  void check_tail(const char* operation) const {
    check_chain(operation);
    if (chain_->tail_type() != typeid(detail::Stored<T>)) {
      detail::throw_type_mismatch(operation, chain_->tail_type(), typeid(detail::Stored<T>));
    }
  }

  void set_canceller(Canceller canceller) {
    detail::Chain* chain = chain_.get();
    chain_->set_canceller([chain, canceller = std::move(canceller)]() mutable {
      Deferred<T> self{detail::ChainRef(chain)};
      canceller(self);
    });
  }

  template <typename CB, typename EB>
  auto add_step(CB cb, EB eb, const char* operation) {
    using R1 = typename detail::ValueBranch<T, CB>::type;
    using R2 = typename detail::FailureBranch<T, EB>::type;
    using U = typename detail::NextType<T, R1, R2>::type;
    check_tail(operation);
    chain_->add_step(
        [cb = std::move(cb), eb = std::move(eb)](detail::Chain& chain) mutable -> detail::ChainRef {
          if (chain.failure()) {
            Failure failure = std::move(*chain.failure());
            chain.failure().reset();
            if constexpr (std::is_same_v<EB, detail::PassFailure>) {
              chain.failure() = std::move(failure);
              return {};
            } else {
              return detail::invoke_and_deliver(chain, eb, static_cast<const Failure&>(failure));
            }
          }
          if constexpr (std::is_same_v<CB, detail::PassValue>) {
            return {};
          } else {
            auto value = chain.value().template take<detail::Stored<T>>();
            if constexpr (std::is_void_v<T>) {
              return detail::invoke_and_deliver(chain, cb);
            } else {
              return detail::invoke_and_deliver(chain, cb, std::move(value));
            }
          }
        });
    chain_->set_tail_type(typeid(detail::Stored<U>));
    return Deferred<U>(chain_);
  }

  // add_both's halves already take the stored value and a failure.
  template <typename OnValue, typename OnFailure>
  auto add_step_erased(OnValue on_value, OnFailure on_failure, const char* operation) {
    using R1 = std::decay_t<std::invoke_result_t<OnValue&, detail::Stored<T>&&>>;
    using R2 = std::decay_t<std::invoke_result_t<OnFailure&, const Failure&>>;
    using U = typename detail::NextType<T, R1, R2>::type;
    check_tail(operation);
    chain_->add_step([on_value = std::move(on_value), on_failure = std::move(on_failure)](
                         detail::Chain& chain) mutable -> detail::ChainRef {
      if (chain.failure()) {
        Failure failure = std::move(*chain.failure());
        chain.failure().reset();
        return detail::invoke_and_deliver(chain, on_failure, static_cast<const Failure&>(failure));
      }
      return detail::invoke_and_deliver(chain, on_value,
                                        chain.value().template take<detail::Stored<T>>());
    });
    chain_->set_tail_type(typeid(detail::Stored<U>));
    return Deferred<U>(chain_);
  }

  detail::ChainRef chain_;
};

// succeed: a Deferred that already has `value`.
template <typename T>
Deferred<std::decay_t<T>> succeed(T&& value,
                                  kit::source_location created = kit::source_location::current()) {
  Deferred<std::decay_t<T>> d(created);
  d.callback(std::forward<T>(value));
  return d;
}
inline Deferred<void> succeed(kit::source_location created = kit::source_location::current()) {
  Deferred<void> d(created);
  d.callback();
  return d;
}

// fail: a Deferred<T> that already has `failure`.
template <typename T = void>
Deferred<T> fail(Failure failure, kit::source_location created = kit::source_location::current()) {
  Deferred<T> d(created);
  d.errback(std::move(failure));
  return d;
}

namespace detail {

template <typename R>
struct AsDeferred {
  using type = Deferred<R>;
};
template <typename U>
struct AsDeferred<Deferred<U>> {
  using type = Deferred<U>;
};

}  // namespace detail

// maybe_deferred: calls `fn` and gives its result as a Deferred: a Deferred it returns
// as is, a plain value (or nothing) as a fired Deferred, an exception as a failed one.
template <typename F>
auto maybe_deferred(F&& fn, kit::source_location created = kit::source_location::current()) ->
    typename detail::AsDeferred<std::decay_t<std::invoke_result_t<F&>>>::type {
  using R = std::decay_t<std::invoke_result_t<F&>>;
  using D = typename detail::AsDeferred<R>::type;
  try {
    if constexpr (std::is_same_v<R, D>) {
      return fn();
    } else if constexpr (std::is_void_v<R>) {
      fn();
      return succeed(created);
    } else {
      return succeed(fn(), created);
    }
  } catch (...) {
    return fail<typename D::value_type>(Failure::current_exception(), created);
  }
}

// defer_later: a Deferred that fires with fn()'s result (see maybe_deferred) `delay`
// from now on `clock`. Cancelling it before then cancels the call.
template <typename F>
auto defer_later(Clock& clock, Duration delay, F fn,
                 kit::source_location created = kit::source_location::current()) ->
    typename detail::AsDeferred<std::decay_t<std::invoke_result_t<F&>>>::type {
  using D = typename detail::AsDeferred<std::decay_t<std::invoke_result_t<F&>>>::type;
  using T = typename D::value_type;
  auto call = std::make_shared<DelayedCall>();
  D result([call](D&) { call->cancel(); }, created);
  *call = clock.call_later(delay, [result, fn = std::move(fn)]() mutable {
    D produced = maybe_deferred(fn);
    if constexpr (std::is_void_v<T>) {
      (void)produced.add_both([result](Outcome<void> outcome) mutable {
        if (outcome.has_failure()) {
          result.errback(outcome.failure());
        } else {
          result.callback();
        }
      });
    } else {
      (void)produced.add_both([result](Outcome<T> outcome) mutable {
        if (outcome.has_failure()) {
          result.errback(outcome.failure());
        } else {
          result.callback(std::move(outcome).value());
        }
      });
    }
  });
  return result;
}

template <typename T>
Deferred<T> Deferred<T>::add_timeout(Duration timeout, Clock& clock) {
  check_tail("add_timeout");
  auto timed_out = std::make_shared<bool>(false);
  detail::ChainRef chain = chain_;
  DelayedCall call = clock.call_later(timeout, [chain, timed_out] {
    *timed_out = true;
    chain->cancel();
  });
  auto call_holder = std::make_shared<DelayedCall>(std::move(call));
  const double seconds = std::chrono::duration<double>(timeout).count();
  return add_both([call_holder, timed_out, seconds](Outcome<T> outcome) -> Outcome<T> {
    call_holder->cancel();
    if (outcome.has_failure() && *timed_out && outcome.failure().is(errc::cancelled)) {
      return Failure(errc::timed_out, "Deferred timed out after " + std::to_string(seconds) + " s");
    }
    return outcome;
  });
}

namespace detail {

// The part of a Deferred coroutine's promise that does not depend on its result type.
class DeferredPromiseBase {
 public:
  // The chain the coroutine is suspended on, so cancel() can reach it.
  Chain* awaiting = nullptr;
};

// Owns a suspended coroutine from the chain it waits on: if that chain is destroyed
// without a result, nobody can resume the coroutine, so its frame is destroyed.
class SuspendedFrame {
 public:
  SuspendedFrame(std::coroutine_handle<> handle, DeferredPromiseBase* promise) noexcept
      : handle_(handle), promise_(promise) {}
  SuspendedFrame(SuspendedFrame&& other) noexcept
      : handle_(std::exchange(other.handle_, nullptr)), promise_(other.promise_) {}
  SuspendedFrame(const SuspendedFrame&) = delete;
  SuspendedFrame& operator=(const SuspendedFrame&) = delete;
  SuspendedFrame& operator=(SuspendedFrame&&) = delete;
  ~SuspendedFrame() {
    if (handle_) {
      promise_->awaiting = nullptr;
      handle_.destroy();
    }
  }
  // resume: hands the coroutine back to run.
  void resume() {
    promise_->awaiting = nullptr;
    std::exchange(handle_, nullptr).resume();
  }

 private:
  std::coroutine_handle<> handle_;
  DeferredPromiseBase* promise_;
};

template <typename U>
class DeferredAwaiter {
 public:
  DeferredAwaiter(Deferred<U> awaited, DeferredPromiseBase* promise)
      : awaited_(std::move(awaited)), promise_(promise) {
    if (!awaited_.chain()) throw_empty("co_await");
    if (awaited_.chain()->tail_type() != typeid(Stored<U>)) {
      throw_type_mismatch("co_await", awaited_.chain()->tail_type(), typeid(Stored<U>));
    }
  }

  bool await_ready() const noexcept { return awaited_.has_result(); }

  void await_suspend(std::coroutine_handle<> handle) {
    // Only the chain keeps the frame from here on: no cycle if nobody ever fires it.
    ChainRef chain = awaited_.chain();
    awaited_ = Deferred<U>(ChainRef());
    promise_->awaiting = chain.get();
    chain->add_step([this, frame = SuspendedFrame(handle, promise_)](Chain& c) mutable -> ChainRef {
      take(c);
      frame.resume();
      return {};
    });
    chain->set_tail_type(typeid(VoidValue));
  }

  U await_resume() {
    if (awaited_.chain()) {  // not suspended: the result is there
      take(*awaited_.chain());
      awaited_.chain()->set_tail_type(typeid(VoidValue));
    }
    if (failure_) failure_->rethrow();
    if constexpr (!std::is_void_v<U>) return value_.template take<U>();
  }

 private:
  void take(Chain& chain) {
    if (chain.failure()) {
      failure_ = std::move(chain.failure());
      chain.failure().reset();
    } else {
      value_ = std::move(chain.value());
    }
    chain.value().template emplace<VoidValue>();
  }

  Deferred<U> awaited_;
  DeferredPromiseBase* promise_;
  ValueBox value_;
  std::optional<Failure> failure_;
};

template <typename T>
class DeferredPromiseOf : public DeferredPromiseBase {
 public:
  explicit DeferredPromiseOf(kit::source_location created) : deferred_(created) {
    Chain* chain = deferred_.chain().get();
    chain->set_canceller([this] {
      if (awaiting != nullptr) {
        ChainRef inner(awaiting);
        inner->cancel();
      }
    });
  }
  DeferredPromiseOf(const DeferredPromiseOf&) = delete;
  DeferredPromiseOf& operator=(const DeferredPromiseOf&) = delete;
  ~DeferredPromiseOf() {
    // A frame destroyed before finishing must not be reached by a later cancel().
    deferred_.chain()->clear_canceller();
  }

  Deferred<T> get_return_object() { return deferred_; }
  std::suspend_never initial_suspend() noexcept { return {}; }
  std::suspend_never final_suspend() noexcept { return {}; }
  void unhandled_exception() {
    Failure failure = Failure::current_exception();
    if (!deferred_.called()) deferred_.errback(std::move(failure));
  }

  template <typename U>
  DeferredAwaiter<U> await_transform(Deferred<U> awaited) {
    return DeferredAwaiter<U>(std::move(awaited), this);
  }

 protected:
  Deferred<T> deferred_;
};

// The compiler constructs the promise with no arguments at the coroutine's start, so
// the default source_location names the coroutine itself, for unhandled-error reports.
template <typename T>
class DeferredPromise : public DeferredPromiseOf<T> {
 public:
  explicit DeferredPromise(kit::source_location created = kit::source_location::current())
      : DeferredPromiseOf<T>(created) {}
  template <typename U>
  void return_value(U&& value) {
    // A cancelled coroutine that still returns has its result dropped (see cancel()).
    if (this->deferred_.called()) return;
    this->deferred_.callback(T(std::forward<U>(value)));
  }
};

template <>
class DeferredPromise<void> : public DeferredPromiseOf<void> {
 public:
  explicit DeferredPromise(kit::source_location created = kit::source_location::current())
      : DeferredPromiseOf<void>(created) {}
  void return_void() {
    if (!deferred_.called()) deferred_.callback();
  }
};

}  // namespace detail
}  // namespace kit

#endif  // KIT_DEFERRED_H_
