#include "kit/transport.h"

namespace kit {

void Transport::write_sequence(std::span<const std::string_view> pieces) {
  for (std::string_view piece : pieces) write(piece);
}

}  // namespace kit
