#include "testing/live/socket_directory.h"

#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace kit::testing {

SocketDirectory::SocketDirectory() {
  char pattern[] = "/tmp/protokit-test-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp /tmp/protokit-test-XXXXXX");
  }
  path_ = pattern;
}

SocketDirectory::~SocketDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace kit::testing
