// Outcome<T>: a value of type T, or the Failure that took its place.
//
// What add_both() callbacks receive, what a callback may return to decide at run time
// whether the chain goes on with a value or a failure, and what each entry of a
// DeferredList holds (an entry of a list that fired early may still be pending).
//
// Thread safety: a value type.
#ifndef KIT_OUTCOME_H_
#define KIT_OUTCOME_H_

#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include "kit/failure.h"

namespace kit {

template <typename T>
class Outcome {
  struct Empty {};
  using Stored = std::conditional_t<std::is_void_v<T>, Empty, T>;

 public:
  // A pending outcome: neither a value nor a failure yet.
  Outcome() = default;
  // A value (for Outcome<void>, use Outcome<void>::success()).
  template <typename U = T>
  requires(!std::is_void_v<U>) Outcome(U value)
      : state_(std::in_place_index<1>, std::move(value)) {}  // NOLINT: implicit like optional
  Outcome(Failure failure) : state_(std::in_place_index<2>, std::move(failure)) {}  // NOLINT

  static Outcome success() requires std::is_void_v<T> {
    Outcome outcome;
    outcome.state_.template emplace<1>();
    return outcome;
  }

  bool pending() const noexcept { return state_.index() == 0; }
  bool has_value() const noexcept { return state_.index() == 1; }
  bool has_failure() const noexcept { return state_.index() == 2; }

  // value: the value; rethrows the failure (Failure::rethrow) if there is one, and throws
  // std::logic_error when pending.
  decltype(auto) value() & {
    check_value();
    if constexpr (!std::is_void_v<T>) return std::get<1>(state_);
  }
  decltype(auto) value() const& {
    check_value();
    if constexpr (!std::is_void_v<T>) return std::get<1>(state_);
  }
  decltype(auto) value() && {
    check_value();
    if constexpr (!std::is_void_v<T>) return std::move(std::get<1>(state_));
  }

  // failure: the failure; throws std::logic_error when there is none.
  const Failure& failure() const {
    if (!has_failure()) throw std::logic_error("Outcome::failure: there is no failure");
    return std::get<2>(state_);
  }

 private:
  void check_value() const {
    if (has_failure()) std::get<2>(state_).rethrow();
    if (pending()) throw std::logic_error("Outcome::value: still pending");
  }

  std::variant<std::monostate, Stored, Failure> state_;
};

}  // namespace kit

#endif  // KIT_OUTCOME_H_
