#include "kit/factory.h"

#include <cassert>

namespace kit {

void Factory::do_start() {
  if (users_++ == 0) start_factory();
}

void Factory::do_stop() {
  assert(users_ > 0 && "Factory::do_stop without do_start");
  if (users_ > 0 && --users_ == 0) stop_factory();
}

}  // namespace kit
