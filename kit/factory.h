// Factory: builds the protocol of each connection a server accepts.
//
// A factory lives as long as anything listens with it or any of its connections is open.
// start_factory() runs before its first listening port starts and stop_factory() after
// its last one stops, so shared state can be set up and torn down once.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_FACTORY_H_
#define KIT_FACTORY_H_

#include <functional>
#include <memory>
#include <utility>

#include "kit/address.h"
#include "kit/protocol.h"

namespace kit {

class Factory {
 public:
  virtual ~Factory() = default;

  // build_protocol: the protocol for a new connection from `peer`, or nullptr to refuse
  // it (the connection is closed at once).
  virtual std::unique_ptr<Protocol> build_protocol(const Address& peer) = 0;

  // start_factory / stop_factory: see above. Called through do_start / do_stop.
  virtual void start_factory() {}
  virtual void stop_factory() {}

  // do_start / do_stop: reactors call these as ports and connectors come and go;
  // start_factory() runs on the first do_start() and stop_factory() on the last do_stop().
  void do_start();
  void do_stop();

 private:
  int users_ = 0;
};

// FunctionFactory: a factory from a function, for the common case.
//   kit::FunctionFactory factory([](const kit::Address&) {
//     return std::make_unique<EchoProtocol>();
//   });
class FunctionFactory : public Factory {
 public:
  using Builder = std::function<std::unique_ptr<Protocol>(const Address& peer)>;
  explicit FunctionFactory(Builder builder) : builder_(std::move(builder)) {}
  std::unique_ptr<Protocol> build_protocol(const Address& peer) override { return builder_(peer); }

 private:
  Builder builder_;
};

// factory_for<P>(args...): a factory that builds P(args...) for every connection.
template <typename P, typename... Args>
std::unique_ptr<Factory> factory_for(Args... args) {
  return std::make_unique<FunctionFactory>(
      [=](const Address&) -> std::unique_ptr<Protocol> { return std::make_unique<P>(args...); });
}

}  // namespace kit

#endif  // KIT_FACTORY_H_
