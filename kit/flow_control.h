// FlowControl: the producer registered with a transport, and the water marks that pause
// and resume it (promises 7 and 9 of kit/transport.h).
//
// Every transport of the kit (live sockets, StringTransport, the loopback pair) keeps
// one and tells it how many bytes wait in its write buffer; FlowControl decides when the
// producer is paused (above the high-water mark) or resumed (at or below the low one).
// The transport makes the call itself, in its own way (the live one logs a producer that
// throws), or lets apply() make it.
//
// With no producer registered, the transport's own reading is the producer: a
// data_received() that grows the buffer above the high-water mark (read_delivered())
// turns throttled() true, and the buffer falling to the low one turns it false again,
// unless back-pressure was turned off. Only output that reading caused throttles: writes
// from elsewhere (connection_made(), a timer) do not, so two peers that each write a
// large request before reading cannot stop each other's reading. Registering a producer,
// or turning back-pressure off, lifts the throttle at once (the producer, or the protocol,
// answers for the buffer then); a transport compares throttled() before and after each
// call to restart reading.
//
// Thread safety: the transport's thread.
#ifndef KIT_FLOW_CONTROL_H_
#define KIT_FLOW_CONTROL_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kit/producer.h"
#include "kit/transport.h"

namespace kit {

class FlowControl {
 public:
  enum class Change { none, pause, resume };

  // register_producer: `producer` is now paused and resumed by update(). Throws
  // std::logic_error, naming `transport`, when a producer is registered already.
  void register_producer(Producer& producer, std::string_view transport);
  void unregister_producer() noexcept;

  // set_limits: new water marks. Throws std::invalid_argument, naming `transport`, when
  // low is above high.
  void set_limits(std::size_t high, std::size_t low, std::string_view transport);

  // update: the write buffer holds `buffered` bytes; what the producer must be told (and
  // whether a throttle is lifted).
  Change update(std::size_t buffered) noexcept;

  // read_delivered: a data_received() found `before` bytes waiting and left `after`: with
  // no producer, reading is throttled when the call grew the buffer above the high-water
  // mark (a reader that only answers what it read is the one that can grow without bound).
  void read_delivered(std::size_t before, std::size_t after) noexcept {
    if (producer_ == nullptr && back_pressure_ && after > high_ && after > before) {
      throttled_ = true;
    }
  }

  // set_back_pressure: promise 9 on (the default) or off.
  void set_back_pressure(bool on) noexcept;
  bool back_pressure() const noexcept { return back_pressure_; }
  // throttled: reading is held because the buffer is above the high-water mark.
  bool throttled() const noexcept { return throttled_; }

  // apply: update(), and tells the producer directly.
  void apply(std::size_t buffered);

  // release: the connection is gone; forgets the producer and returns it (or nullptr),
  // for the transport to stop.
  Producer* release() noexcept;

  Producer* producer() const noexcept { return producer_; }
  bool paused() const noexcept { return paused_; }
  std::size_t high() const noexcept { return high_; }
  std::size_t low() const noexcept { return low_; }

 private:
  Producer* producer_ = nullptr;
  std::uint32_t high_ = Transport::default_high_water;
  std::uint32_t low_ = Transport::default_low_water;
  bool paused_ = false;
  bool back_pressure_ = true;
  bool throttled_ = false;
};

}  // namespace kit

#endif  // KIT_FLOW_CONTROL_H_
