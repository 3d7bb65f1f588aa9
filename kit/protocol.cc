#include "kit/protocol.h"

namespace kit {

void Protocol::make_connection(Transport& transport) {
  transport_ = &transport;
  connection_made();
}

}  // namespace kit
