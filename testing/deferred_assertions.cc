#include "testing/deferred_assertions.h"

namespace kit::testing::detail {

void fail_at(const kit::source_location& where, const std::string& message) {
  ADD_FAILURE_AT(where.file_name(), static_cast<int>(where.line())) << message;
  throw DeferredAssertionError(message);
}

}  // namespace kit::testing::detail
