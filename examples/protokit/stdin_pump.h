// StdinPump: feeds standard input to a reactor, from a thread of its own.
//
// Standard input may be a terminal, a pipe or a regular file; only the first two can be
// polled, so a thread reads it (blocking) and hands each chunk to the reactor's thread
// with call_from_thread. It stops reading while the consumer is paused (pause/resume),
// so a slow server holds back a large input instead of buffering all of it.
//
// Thread safety: construct, pause, resume and detach on the reactor's thread.
#ifndef KIT_EXAMPLES_PROTOKIT_STDIN_PUMP_H_
#define KIT_EXAMPLES_PROTOKIT_STDIN_PUMP_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kit/reactor.h"

namespace protokit_cli {

class StdinPump {
 public:
  // on_data gets each chunk; on_eof runs once at end of input (or a read error, which is
  // passed as a message; empty for a clean end). Both run on the reactor's thread.
  StdinPump(kit::Reactor& reactor, int fd, std::function<void(std::string)> on_data,
            std::function<void(std::string error)> on_eof);
  // Stops delivering; the reading thread, if blocked in read(), is left to end with the
  // process.
  ~StdinPump();
  StdinPump(const StdinPump&) = delete;
  StdinPump& operator=(const StdinPump&) = delete;

  void pause();
  void resume();

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace protokit_cli

#endif  // KIT_EXAMPLES_PROTOKIT_STDIN_PUMP_H_
