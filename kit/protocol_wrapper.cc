#include "kit/protocol_wrapper.h"

#include <stdexcept>
#include <utility>

#include "kit/wrapping_factory.h"

namespace kit {

ProtocolWrapper::ProtocolWrapper(std::unique_ptr<Protocol> wrapped, WrappingFactory* factory)
    : wrapped_(std::move(wrapped)), factory_(factory) {
  if (wrapped_ == nullptr) throw std::invalid_argument("ProtocolWrapper: no protocol to wrap");
  if (factory_ != nullptr) factory_->wrapper_started();
}

ProtocolWrapper::~ProtocolWrapper() { finish(); }

void ProtocolWrapper::finish() noexcept {
  if (WrappingFactory* factory = std::exchange(factory_, nullptr)) factory->wrapper_finished();
}

// ---- from below

void ProtocolWrapper::connection_made() { wrapped_->make_connection(*this); }

void ProtocolWrapper::data_received(std::string_view data) { wrapped_->data_received(data); }

void ProtocolWrapper::read_connection_lost() { wrapped_->read_connection_lost(); }

void ProtocolWrapper::connection_lost(const Failure& reason) {
  lost_ = true;
  // The transport below stopped the membrane before this, if it was registered; a
  // producer above that is still here was registered after the end and is stopped now.
  if (Producer* above = std::exchange(producer_above_, nullptr)) above->stop_producing();
  wrapped_->connection_lost(reason);
  finish();
}

void ProtocolWrapper::stop_requested() { wrapped_->stop_requested(); }

// ---- from above

void ProtocolWrapper::write(std::string_view data) { lower().write(data); }

void ProtocolWrapper::write_sequence(std::span<const std::string_view> pieces) {
  lower().write_sequence(pieces);
}

void ProtocolWrapper::lose_connection() { lower().lose_connection(); }

void ProtocolWrapper::abort_connection() { lower().abort_connection(); }

void ProtocolWrapper::half_close() { lower().half_close(); }

Address ProtocolWrapper::peer() const { return lower().peer(); }

Address ProtocolWrapper::host() const { return lower().host(); }

void ProtocolWrapper::pause_reading() { lower().pause_reading(); }

void ProtocolWrapper::resume_reading() { lower().resume_reading(); }

void ProtocolWrapper::register_producer(Producer& producer) {
  if (producer_above_ != nullptr) {
    throw std::logic_error("ProtocolWrapper::register_producer: a producer is already registered");
  }
  producer_above_ = &producer;
  if (lost_) {
    stop_above();
    return;
  }
  // The transport below may pause (or, gone, stop) the membrane at once.
  lower().register_producer(membrane_);
}

void ProtocolWrapper::unregister_producer() {
  if (producer_above_ == nullptr) return;
  producer_above_ = nullptr;
  if (!lost_) lower().unregister_producer();
}

std::size_t ProtocolWrapper::write_buffer_size() const {
  return buffered_here() + lower().write_buffer_size();
}

void ProtocolWrapper::set_write_buffer_limits(std::size_t high, std::size_t low) {
  lower().set_write_buffer_limits(high, low);
}

void ProtocolWrapper::set_back_pressure(bool on) { lower().set_back_pressure(on); }

bool ProtocolWrapper::disconnecting() const {
  return lost_ || (transport() != nullptr && lower().disconnecting());
}

Context& ProtocolWrapper::context() { return lower().context(); }

// ---- the membrane

void ProtocolWrapper::pause_above() {
  if (producer_above_ != nullptr) producer_above_->pause_producing();
}

void ProtocolWrapper::resume_above() {
  if (producer_above_ != nullptr) producer_above_->resume_producing();
}

void ProtocolWrapper::stop_above() {
  if (Producer* above = std::exchange(producer_above_, nullptr)) above->stop_producing();
}

}  // namespace kit
