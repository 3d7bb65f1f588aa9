#include "fakes/fault_plan.h"

#include <chrono>

namespace kit::fakes {

bool FaultPlan::injects_nothing() const noexcept {
  return piece_sizes.empty() && max_piece == 0 && delay == Duration::zero() && !cut &&
         fail_operation == 0;
}

std::string_view to_string(FaultDirection direction) noexcept {
  return direction == FaultDirection::inbound ? "inbound" : "outbound";
}

std::string_view to_string(FaultEnding ending) noexcept {
  switch (ending) {
    case FaultEnding::reset:
      return "reset";
    case FaultEnding::close:
      return "close";
    case FaultEnding::stall:
      return "stall";
  }
  return "?";
}

std::string to_string(const FaultPlan& plan) {
  // Designated initializers must follow the declaration order: keep this in step with it.
  std::string fields;
  auto field = [&fields](std::string_view name, const std::string& value) {
    if (!fields.empty()) fields += ", ";
    fields += ".";
    fields += name;
    fields += " = ";
    fields += value;
  };
  if (!plan.piece_sizes.empty()) {
    std::string sizes = "{";
    for (std::size_t i = 0; i < plan.piece_sizes.size(); ++i) {
      if (i > 0) sizes += ", ";
      sizes += std::to_string(plan.piece_sizes[i]);
    }
    field("piece_sizes", sizes + "}");
  }
  if (plan.max_piece != 0) field("max_piece", std::to_string(plan.max_piece));
  if (plan.seed != 0) field("seed", std::to_string(plan.seed));
  if (plan.delay != Duration::zero()) {
    field("delay", "std::chrono::nanoseconds(" + std::to_string(plan.delay.count()) + ")");
  }
  if (plan.cut) {
    field("cut", "kit::fakes::FaultCut{.direction = kit::fakes::FaultDirection::" +
                     std::string(to_string(plan.cut->direction)) + ", .offset = " +
                     std::to_string(plan.cut->offset) + ", .ending = kit::fakes::FaultEnding::" +
                     std::string(to_string(plan.cut->ending)) + "}");
  }
  if (plan.fail_operation != 0) field("fail_operation", std::to_string(plan.fail_operation));
  if (plan.fail_ending != FaultEnding::reset) {
    field("fail_ending", "kit::fakes::FaultEnding::" + std::string(to_string(plan.fail_ending)));
  }
  return "kit::fakes::FaultPlan{" + fields + "}";
}

}  // namespace kit::fakes
