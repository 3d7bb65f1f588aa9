// A model of the Deferred chain: random chains of callbacks and errbacks, fired with a
// random value or failure (before, during or after the chain is built), end in the state
// a plain left-to-right model predicts, having run exactly the steps the model runs.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "kit/deferred.h"

namespace kit {
namespace {

enum class Kind {
  add,            // callback: x -> x + k
  fail,           // callback: x -> Failure(code k)
  throw_error,    // callback: throws std::runtime_error
  recover,        // errback: failure -> k
  pass_failure,   // errback: failure -> the same failure (returned)
  rethrow,        // errback: rethrows the failure
  both_scale,     // add_both: value -> (value % 1000) * k, failure -> failure
  chained_add,    // callback: x -> a Deferred already fired with x + k
  callback_pair,  // add_callbacks: x -> x - k, failure -> k
};

struct Step {
  Kind kind;
  int k;
};

// The model's result: a value, or a failure identified by a number (an errc value, or
// -1 for the runtime_error a callback throws).
struct ModelResult {
  std::optional<int> value;
  int failure = 0;
  bool operator==(const ModelResult&) const = default;
};

void showValue(const Step& s, std::ostream& os) {
  static const char* names[] = {"add",        "fail",         "throw_error",
                                "recover",    "pass_failure", "rethrow",
                                "both_scale", "chained_add",  "callback_pair"};
  os << names[static_cast<int>(s.kind)] << "(" << s.k << ")";
}

std::string show(const ModelResult& r) {
  return r.value ? "value " + std::to_string(*r.value) : "failure " + std::to_string(r.failure);
}

// Runs `steps` on the model; `ran` gets the indices of the steps whose function ran.
ModelResult run_model(ModelResult r, const std::vector<Step>& steps, std::vector<int>& ran) {
  for (int i = 0; i < static_cast<int>(steps.size()); ++i) {
    const Step& s = steps[i];
    const bool on_value = r.value.has_value();
    switch (s.kind) {
      case Kind::add:
        if (on_value) ran.push_back(i), r.value = *r.value + s.k;
        break;
      case Kind::fail:
        if (on_value) ran.push_back(i), r = {std::nullopt, s.k};
        break;
      case Kind::throw_error:
        if (on_value) ran.push_back(i), r = {std::nullopt, -1};
        break;
      case Kind::recover:
        if (!on_value) ran.push_back(i), r = {s.k, 0};
        break;
      case Kind::pass_failure:
      case Kind::rethrow:
        if (!on_value) ran.push_back(i);
        break;
      case Kind::both_scale:
        ran.push_back(i);
        if (on_value) r.value = (*r.value % 1000) * s.k;
        break;
      case Kind::chained_add:
        if (on_value) ran.push_back(i), r.value = *r.value + s.k;
        break;
      case Kind::callback_pair:
        ran.push_back(i);
        r = on_value ? ModelResult{*r.value - s.k, 0} : ModelResult{s.k, 0};
        break;
    }
  }
  return r;
}

int failure_id(const Failure& f) {
  if (f.is(errc::exception)) return -1;  // the runtime_error a callback threw
  return f.code().value();
}

void add_real_step(Deferred<int>& d, const Step& s, int index, std::vector<int>& ran) {
  const int k = s.k;
  switch (s.kind) {
    case Kind::add:
      d.add_callback([&ran, index, k](int x) {
        ran.push_back(index);
        return x + k;
      });
      break;
    case Kind::fail:
      d.add_callback([&ran, index, k](int) {
        ran.push_back(index);
        return Failure(std::error_code(k, kit_category()));
      });
      break;
    case Kind::throw_error:
      d.add_callback([&ran, index](int) -> int {
        ran.push_back(index);
        throw std::runtime_error("thrown by a callback");
      });
      break;
    case Kind::recover:
      d.add_errback([&ran, index, k](const Failure&) {
        ran.push_back(index);
        return k;
      });
      break;
    case Kind::pass_failure:
      d.add_errback([&ran, index](const Failure& f) {
        ran.push_back(index);
        return f;
      });
      break;
    case Kind::rethrow:
      d.add_errback([&ran, index](const Failure& f) -> int {
        ran.push_back(index);
        f.rethrow();
      });
      break;
    case Kind::both_scale:
      d.add_both([&ran, index, k](Outcome<int> o) -> Outcome<int> {
        ran.push_back(index);
        if (o.has_value()) return (o.value() % 1000) * k;
        return o;
      });
      break;
    case Kind::chained_add:
      d.add_callback([&ran, index, k](int x) {
        ran.push_back(index);
        return succeed(x + k);
      });
      break;
    case Kind::callback_pair:
      d.add_callbacks(
          [&ran, index, k](int x) {
            ran.push_back(index);
            return x - k;
          },
          [&ran, index, k](const Failure&) {
            ran.push_back(index);
            return k;
          });
      break;
  }
}

rc::Gen<Step> gen_step() {
  return rc::gen::build<Step>(
      rc::gen::set(&Step::kind,
                   rc::gen::element(Kind::add, Kind::fail, Kind::throw_error, Kind::recover,
                                    Kind::pass_failure, Kind::rethrow, Kind::both_scale,
                                    Kind::chained_add, Kind::callback_pair)),
      // k doubles as a failure code: a kit::errc value other than errc::exception (6),
      // which marks the runtime_error a callback throws.
      rc::gen::set(&Step::k, rc::gen::element(1, 2, 3, 4, 5, 7)));
}

RC_GTEST_PROP(DeferredModel, ChainEndsWhereTheModelSays, ()) {
  const auto steps = *rc::gen::container<std::vector<Step>>(gen_step());
  const bool fire_with_value = *rc::gen::arbitrary<bool>();
  const int initial = *rc::gen::inRange(-100, 100);
  const int initial_failure = *rc::gen::element(1, 2, 3, 4, 5, 7);
  // Fire after this many steps were added (the rest run as they are added).
  const auto fire_at = *rc::gen::inRange<std::size_t>(0, steps.size() + 1);

  ModelResult start =
      fire_with_value ? ModelResult{initial, 0} : ModelResult{std::nullopt, initial_failure};
  std::vector<int> model_ran;
  const ModelResult expected = run_model(start, steps, model_ran);

  std::vector<int> ran;
  Deferred<int> d;
  for (std::size_t i = 0; i <= steps.size(); ++i) {
    if (i == fire_at) {
      if (fire_with_value) {
        d.callback(initial);
      } else {
        d.errback(Failure(std::error_code(initial_failure, kit_category())));
      }
    }
    if (i < steps.size()) add_real_step(d, steps[i], static_cast<int>(i), ran);
  }

  RC_ASSERT(d.has_result());
  ModelResult actual;
  if (const int* value = d.peek_value()) {
    actual = {*value, 0};
  } else {
    actual = {std::nullopt, failure_id(*d.peek_failure())};
    d.mark_failure_observed();
  }
  RC_ASSERT(ran == model_ran);
  RC_LOG() << "expected " << show(expected) << ", got " << show(actual) << "\n";
  RC_ASSERT(actual == expected);
  RC_TAG(show(expected).substr(0, 5));
}

}  // namespace
}  // namespace kit
