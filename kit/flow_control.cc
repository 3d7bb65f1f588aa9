#include "kit/flow_control.h"

#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace kit {

void FlowControl::register_producer(Producer& producer, std::string_view transport) {
  if (producer_ != nullptr) {
    throw std::logic_error(std::string(transport) +
                           "::register_producer: a producer is already registered");
  }
  producer_ = &producer;
  paused_ = false;
  throttled_ = false;
}

void FlowControl::unregister_producer() noexcept {
  producer_ = nullptr;
  paused_ = false;
}

void FlowControl::set_limits(std::size_t high, std::size_t low, std::string_view transport) {
  if (low > high) {
    throw std::invalid_argument(std::string(transport) + "::set_write_buffer_limits: low (" +
                                std::to_string(low) + ") is above high (" + std::to_string(high) +
                                ")");
  }
  constexpr std::size_t most = std::numeric_limits<std::uint32_t>::max();
  high_ = static_cast<std::uint32_t>(high < most ? high : most);
  low_ = static_cast<std::uint32_t>(low < most ? low : most);
}

void FlowControl::set_back_pressure(bool on) noexcept {
  back_pressure_ = on;
  if (!on) throttled_ = false;
}

FlowControl::Change FlowControl::update(std::size_t buffered) noexcept {
  if (producer_ == nullptr) {
    if (throttled_ && buffered <= low_) throttled_ = false;
    return Change::none;
  }
  if (!paused_ && buffered > high_) {
    paused_ = true;
    return Change::pause;
  }
  if (paused_ && buffered <= low_) {
    paused_ = false;
    return Change::resume;
  }
  return Change::none;
}

void FlowControl::apply(std::size_t buffered) {
  switch (update(buffered)) {
    case Change::pause:
      producer_->pause_producing();
      break;
    case Change::resume:
      producer_->resume_producing();
      break;
    case Change::none:
      break;
  }
}

Producer* FlowControl::release() noexcept {
  paused_ = false;
  throttled_ = false;
  return std::exchange(producer_, nullptr);
}

}  // namespace kit
