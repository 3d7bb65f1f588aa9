// DaytimeProtocol: the time-of-day server (RFC 867). Writes the time as text, closes,
// and logs each client.
//
// The time of day is wall-clock time, which Clock (monotonic) does not give; the server
// is handed a function that tells it, so a test can give a fixed one.
#ifndef KIT_EXAMPLES_DAYTIME_DAYTIME_PROTOCOL_H_
#define KIT_EXAMPLES_DAYTIME_DAYTIME_PROTOCOL_H_

#include <functional>
#include <string>

#include "kit/log.h"
#include "kit/protocol.h"

namespace examples {

class DaytimeProtocol : public kit::Protocol {
 public:
  using TimeOfDay = std::function<std::string()>;
  explicit DaytimeProtocol(TimeOfDay time_of_day) : time_of_day_(std::move(time_of_day)) {}

  void connection_made() override {
    kit::log(kit::LogLevel::info, "daytime: client " + transport()->peer().to_string());
    transport()->write(time_of_day_() + "\r\n");
    transport()->lose_connection();
  }

 private:
  TimeOfDay time_of_day_;
};

}  // namespace examples

#endif  // KIT_EXAMPLES_DAYTIME_DAYTIME_PROTOCOL_H_
