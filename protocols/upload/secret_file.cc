#include "protocols/upload/secret_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace kit::upload {

std::string secret_from_file_content(std::string_view content) {
  if (content.ends_with("\r\n")) {
    content.remove_suffix(2);
  } else if (content.ends_with('\n')) {
    content.remove_suffix(1);
  }
  return std::string(content);
}

std::string read_secret_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(), "cannot read secret file " + path);
  }
  std::string content;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      throw std::system_error(error, std::generic_category(), "cannot read secret file " + path);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > max_secret_file_size) {
      ::close(fd);
      throw std::runtime_error("secret file " + path + " is over " +
                               std::to_string(max_secret_file_size) + " bytes");
    }
  }
  ::close(fd);
  std::string secret = secret_from_file_content(content);
  if (secret.empty()) throw std::runtime_error("secret file " + path + " holds no secret");
  return secret;
}

}  // namespace kit::upload
