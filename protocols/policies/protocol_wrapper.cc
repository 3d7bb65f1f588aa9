#include "protocols/policies/protocol_wrapper.h"

#include <stdexcept>
#include <utility>

#include "protocols/policies/wrapping_factory.h"

namespace kit::protocols {

ProtocolWrapper::ProtocolWrapper(std::unique_ptr<Protocol> wrapped, WrappingFactory* factory)
    : wrapped_(std::move(wrapped)), factory_(factory) {
  if (wrapped_ == nullptr) throw std::invalid_argument("ProtocolWrapper: no protocol to wrap");
  if (factory_ != nullptr) factory_->wrapper_started();
}

ProtocolWrapper::~ProtocolWrapper() { finish(); }

void ProtocolWrapper::finish() noexcept {
  if (WrappingFactory* factory = std::exchange(factory_, nullptr)) factory->wrapper_finished();
}

void ProtocolWrapper::sync_disconnecting() noexcept {
  if (transport() != nullptr && transport()->disconnecting()) disconnecting_ = true;
}

void ProtocolWrapper::connection_made() {
  sync_disconnecting();
  wrapped_->make_connection(*this);
}

void ProtocolWrapper::data_received(std::string_view data) {
  sync_disconnecting();
  wrapped_->data_received(data);
}

void ProtocolWrapper::read_connection_lost() {
  sync_disconnecting();
  wrapped_->read_connection_lost();
}

void ProtocolWrapper::connection_lost(const Failure& reason) {
  disconnecting_ = true;
  wrapped_->connection_lost(reason);
  finish();
}

void ProtocolWrapper::stop_requested() {
  sync_disconnecting();
  wrapped_->stop_requested();
}

void ProtocolWrapper::write(std::string_view data) { transport()->write(data); }

void ProtocolWrapper::write_sequence(std::span<const std::string_view> pieces) {
  transport()->write_sequence(pieces);
}

void ProtocolWrapper::lose_connection() {
  disconnecting_ = true;
  transport()->lose_connection();
}

void ProtocolWrapper::abort_connection() {
  disconnecting_ = true;
  transport()->abort_connection();
}

void ProtocolWrapper::half_close() { transport()->half_close(); }

Address ProtocolWrapper::peer() const { return transport()->peer(); }

Address ProtocolWrapper::host() const { return transport()->host(); }

void ProtocolWrapper::pause_reading() { transport()->pause_reading(); }

void ProtocolWrapper::resume_reading() { transport()->resume_reading(); }

void ProtocolWrapper::register_producer(Producer& producer) {
  transport()->register_producer(producer);
}

void ProtocolWrapper::unregister_producer() { transport()->unregister_producer(); }

std::size_t ProtocolWrapper::write_buffer_size() const { return transport()->write_buffer_size(); }

void ProtocolWrapper::set_write_buffer_limits(std::size_t high, std::size_t low) {
  transport()->set_write_buffer_limits(high, low);
}

}  // namespace kit::protocols
