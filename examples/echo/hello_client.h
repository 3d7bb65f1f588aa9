// HelloClient: the classic echo client. Sends "hello", prints what comes back, closes.
#ifndef KIT_EXAMPLES_ECHO_HELLO_CLIENT_H_
#define KIT_EXAMPLES_ECHO_HELLO_CLIENT_H_

#include <ostream>
#include <string>
#include <string_view>

#include "kit/protocol.h"

namespace examples {

class HelloClient : public kit::Protocol {
 public:
  explicit HelloClient(std::ostream& out) : out_(out) {}

  void connection_made() override { transport()->write("hello"); }

  // The answer may arrive in pieces: wait for all five bytes.
  void data_received(std::string_view data) override {
    answer_.append(data);
    if (answer_.size() >= 5) {
      out_ << "server said: " << answer_ << "\n";
      transport()->lose_connection();
    }
  }

 private:
  std::ostream& out_;
  std::string answer_;
};

}  // namespace examples

#endif  // KIT_EXAMPLES_ECHO_HELLO_CLIENT_H_
