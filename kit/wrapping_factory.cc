#include "kit/wrapping_factory.h"

#include <utility>

namespace kit {

WrappingFactory::WrappingFactory(Factory& wrapped) : wrapped_(wrapped) {}

std::unique_ptr<Protocol> WrappingFactory::build_protocol(const Address& peer) {
  std::unique_ptr<Protocol> protocol = wrapped_.build_protocol(peer);
  if (protocol == nullptr) return nullptr;
  return wrap(std::move(protocol));
}

std::unique_ptr<ProtocolWrapper> WrappingFactory::wrap(std::unique_ptr<Protocol> protocol) {
  return std::make_unique<ProtocolWrapper>(std::move(protocol), this);
}

}  // namespace kit
