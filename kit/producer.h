// Producer: something that writes to a Transport and can be told to slow down.
//
// A producer registered with a transport (Transport::register_producer) is paused when
// the transport's write buffer rises above its high-water mark and resumed when it falls
// below the low-water mark; it is stopped when the connection goes away. This is
// Twisted's IPushProducer. A transport is itself a producer of the bytes it reads, so a
// proxy can register one connection's transport as the producer for the other's.
//
// Thread safety: the reactor's thread.
#ifndef KIT_PRODUCER_H_
#define KIT_PRODUCER_H_

namespace kit {

class Producer {
 public:
  virtual ~Producer() = default;

  // pause_producing: stop writing until resume_producing().
  virtual void pause_producing() = 0;
  // resume_producing: writing may go on.
  virtual void resume_producing() = 0;
  // stop_producing: the consumer is gone; never write again.
  virtual void stop_producing() = 0;
};

}  // namespace kit

#endif  // KIT_PRODUCER_H_
