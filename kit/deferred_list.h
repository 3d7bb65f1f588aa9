// DeferredList and gather: waiting for several Deferreds at once.
//
//   deferred_list(ds)     fires with every input's Outcome, in input order, once all have
//                         one (Twisted's DeferredList).
//   gather(ds)            fires with every value in input order, or fails with the first
//                         failure (Twisted's gatherResults).
//
// DeferredListOptions:
//   fire_on_first_success  fire as soon as one input succeeds; inputs without a result
//                          yet are pending() in the list.
//   fire_on_first_failure  fail as soon as one input fails, with a FirstError carrying the
//                          input's index and failure.
//   consume_errors         the list answers for the inputs' failures: they are no longer
//                          reported as unhandled (each input's own chain still carries
//                          its failure to callbacks added after the list's).
// Cancelling the list cancels the inputs that have no result yet.
//
// Thread safety: the reactor's thread, like Deferred.
#ifndef KIT_DEFERRED_LIST_H_
#define KIT_DEFERRED_LIST_H_

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kit/deferred.h"
#include "kit/failure.h"
#include "kit/outcome.h"

namespace kit {

struct DeferredListOptions {
  bool fire_on_first_success = false;
  bool fire_on_first_failure = false;
  bool consume_errors = false;
};

// The failure of a list with fire_on_first_failure: which input failed, and how. Its code
// is the input failure's code.
class FirstError : public FailureError {
 public:
  FirstError(std::size_t index, Failure failure)
      : FailureError(Failure(failure.code(), "input " + std::to_string(index) +
                                                 " of a DeferredList failed: " + failure.what())),
        index_(index),
        input_failure_(std::move(failure)) {}
  std::size_t index() const noexcept { return index_; }
  const Failure& input_failure() const noexcept { return input_failure_; }

 private:
  std::size_t index_;
  Failure input_failure_;
};

namespace detail {

template <typename T>
struct DeferredListState {
  std::vector<Outcome<T>> results;
  std::vector<Chain*> inputs;  // cleared as each input's step goes away (weak references)
  std::size_t remaining = 0;
  DeferredListOptions options;
  Deferred<std::vector<Outcome<T>>> list;
  bool fired = false;

  void fire_with_results() {
    fired = true;
    Deferred<std::vector<Outcome<T>>> out = list;
    out.callback(results);
  }
};

// Clears the list's weak reference to an input when that input's step is destroyed (it
// ran, or the input was destroyed without a result).
template <typename T>
class InputSlot {
 public:
  InputSlot(std::shared_ptr<DeferredListState<T>> state, std::size_t index)
      : state_(std::move(state)), index_(index) {}
  InputSlot(InputSlot&& other) noexcept = default;
  InputSlot(const InputSlot&) = delete;
  ~InputSlot() {
    if (state_) state_->inputs[index_] = nullptr;
  }
  DeferredListState<T>& state() const { return *state_; }
  std::size_t index() const { return index_; }

 private:
  std::shared_ptr<DeferredListState<T>> state_;
  std::size_t index_;
};

}  // namespace detail

template <typename T>
Deferred<std::vector<Outcome<T>>> deferred_list(
    std::vector<Deferred<T>> inputs, DeferredListOptions options = {},
    kit::source_location created = kit::source_location::current()) {
  using List = Deferred<std::vector<Outcome<T>>>;
  auto state = std::make_shared<detail::DeferredListState<T>>();
  state->results.resize(inputs.size());
  state->inputs.resize(inputs.size());
  state->remaining = inputs.size();
  state->options = options;
  std::weak_ptr<detail::DeferredListState<T>> weak = state;
  state->list = List(
      [weak](List&) {
        auto alive = weak.lock();
        if (!alive) return;
        // Copy first: cancelling an input runs its step, which edits `inputs`.
        std::vector<detail::Chain*> pending = alive->inputs;
        for (detail::Chain* chain : pending) {
          if (chain != nullptr) detail::ChainRef(chain)->cancel();
        }
      },
      created);
  List list = state->list;
  if (inputs.empty()) {
    state->fire_with_results();
    return list;
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    state->inputs[i] = inputs[i].chain().get();
    detail::InputSlot<T> slot(state, i);
    (void)inputs[i].add_both([slot = std::move(slot)](Outcome<T> outcome) -> Outcome<T> {
      auto& s = slot.state();
      const std::size_t index = slot.index();
      s.results[index] = outcome;
      --s.remaining;
      if (!s.fired) {
        if (outcome.has_value() && s.options.fire_on_first_success) {
          s.fire_with_results();
        } else if (outcome.has_failure() && s.options.fire_on_first_failure) {
          s.fired = true;
          Deferred<std::vector<Outcome<T>>> out = s.list;
          out.errback(Failure(std::make_exception_ptr(FirstError(index, outcome.failure()))));
        } else if (s.remaining == 0) {
          s.fire_with_results();
        }
      }
      if (outcome.has_failure() && s.options.consume_errors && s.inputs[index] != nullptr) {
        // The list answers for this failure; the input's chain keeps carrying it.
        s.inputs[index]->mark_failure_observed();
      }
      return outcome;
    });
  }
  return list;
}

// gather: all the values in input order, or the first failure (itself, not a FirstError).
// Failures of the inputs are consumed.
template <typename T>
auto gather(std::vector<Deferred<T>> inputs,
            kit::source_location created = kit::source_location::current()) {
  DeferredListOptions options;
  options.fire_on_first_failure = true;
  options.consume_errors = true;
  auto list = deferred_list(std::move(inputs), options, created);
  using Values = std::conditional_t<std::is_void_v<T>, void, std::vector<T>>;
  return list.add_callbacks(
      [](std::vector<Outcome<T>> outcomes) -> Values {
        if constexpr (!std::is_void_v<T>) {
          std::vector<T> values;
          values.reserve(outcomes.size());
          for (Outcome<T>& outcome : outcomes) values.push_back(std::move(outcome).value());
          return values;
        }
      },
      [](const Failure& failure) -> Outcome<Values> {
        try {
          failure.rethrow();
        } catch (const FirstError& first) {
          return first.input_failure();
        } catch (...) {
        }
        return failure;
      });
}

}  // namespace kit

#endif  // KIT_DEFERRED_LIST_H_
