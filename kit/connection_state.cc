#include "kit/connection_state.h"

namespace kit {

ConnectionState::Action ConnectionState::close(bool buffer_empty) noexcept {
  if (disconnecting_) return Action::none;
  disconnecting_ = true;
  closing_ = true;
  return buffer_empty ? Action::finish : Action::none;
}

ConnectionState::Action ConnectionState::abort() noexcept {
  if (lost_ || aborted_) return Action::none;
  disconnecting_ = true;
  aborted_ = true;
  return Action::finish;
}

ConnectionState::Action ConnectionState::half_close(bool buffer_empty) noexcept {
  if (disconnecting_ || half_close_asked_) return Action::none;
  half_close_asked_ = true;
  return buffer_empty ? Action::shut_write : Action::none;
}

ConnectionState::Action ConnectionState::drained() noexcept {
  if (lost_ || aborted_) return Action::none;
  if (closing_) return Action::finish;
  if (half_close_asked_ && !write_shut_) return Action::shut_write;
  return Action::none;
}

ConnectionState::Action ConnectionState::write_shut() noexcept {
  write_shut_ = true;
  if (eof_received_ && !disconnecting_) {
    // Both directions are shut: the connection is over.
    disconnecting_ = true;
    return Action::finish;
  }
  return Action::none;
}

ConnectionState::Action ConnectionState::end_of_input() noexcept {
  eof_received_ = true;
  if (write_shut_ && !disconnecting_) {
    disconnecting_ = true;
    return Action::finish;
  }
  return Action::none;
}

}  // namespace kit
