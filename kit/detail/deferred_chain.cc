#include "kit/detail/deferred_chain.h"

#include <string>

#include "kit/log.h"

namespace kit::detail {

Chain::~Chain() {
  if (failure_ && !failure_observed_) {
    log(LogLevel::error, "Unhandled error in Deferred (created at " +
                             std::string(created_.file_name()) + ":" +
                             std::to_string(created_.line()) + " in " + created_.function_name() +
                             "): " + failure_->what());
  }
}

bool Chain::begin_firing() {
  if (called_) {
    if (suppress_already_called_) {
      // The Deferred was cancelled; the producer's late result is dropped once.
      suppress_already_called_ = false;
      return false;
    }
    throw AlreadyCalledError("Deferred already has a result (callback or errback called twice)");
  }
  called_ = true;
  return true;
}

void Chain::fire_failure(Failure failure) {
  if (!begin_firing()) return;
  failure_ = std::move(failure);
  run();
}

void Chain::add_step(Step step) {
  steps_.push_back(std::move(step));
  if (called_) run();
}

void Chain::run() {
  if (running_ || paused_ > 0) return;  // the loop in progress (or the resume) goes on
  ChainRef keep(this);                  // a step may drop the last handle to this chain
  running_ = true;
  while (paused_ == 0 && next_step_ < steps_.size()) {
    Step step = std::move(steps_[next_step_++]);
    ChainRef inner;
    try {
      inner = step(*this);
    } catch (...) {
      value_.reset();
      failure_ = Failure::current_exception();
    }
    if (!inner) continue;
    if (inner.get() == this) {
      failure_ = Failure(std::make_exception_ptr(
          std::logic_error("a Deferred's callback returned that same Deferred")));
      continue;
    }
    if (inner->has_result()) {
      take_result_from(*inner);
    } else {
      inner->chain_into(keep);
    }
  }
  if (next_step_ == steps_.size()) {
    steps_.clear();
    next_step_ = 0;
  }
  running_ = false;
}

void Chain::take_result_from(Chain& other) {
  value_.reset();
  failure_.reset();
  if (other.failure_) {
    failure_ = std::move(other.failure_);
    other.failure_.reset();
    other.value_.emplace<VoidValue>();
  } else {
    value_ = std::move(other.value_);
    other.value_.emplace<VoidValue>();
  }
}

void Chain::chain_into(const ChainRef& outer) {
  ++outer->paused_;
  outer->waiting_on_ = this;
  add_step([outer](Chain& inner) -> ChainRef {
    outer->waiting_on_ = nullptr;
    outer->take_result_from(inner);
    --outer->paused_;
    outer->run();
    return {};
  });
  set_tail_type(typeid(VoidValue));
}

void Chain::cancel() {
  ChainRef keep(this);
  if (!called_) {
    if (canceller_) {
      unique_function<void()> canceller = std::move(canceller_);
      canceller_ = nullptr;
      canceller();
    }
    if (!called_) {
      // The producer may still fire later; drop that one result instead of throwing.
      suppress_already_called_ = true;
      fire_failure(Failure(errc::cancelled));
    }
  } else if (paused_ > 0 && waiting_on_ != nullptr) {
    ChainRef inner(waiting_on_);
    inner->cancel();
  }
}

void ChainRef::destroy(Chain* chain) noexcept { delete chain; }

}  // namespace kit::detail
