// SocketDirectory: a fresh directory under /tmp for the Unix sockets of one test, removed
// with everything in it when the test ends.
//
// Under /tmp because a Unix socket path must fit in sockaddr_un (108 bytes), which a
// test's own temporary directory may not; fresh (mkdtemp) because tests run in parallel
// and in sandboxes that can give two processes the same pid.
#ifndef KIT_TESTING_LIVE_SOCKET_DIRECTORY_H_
#define KIT_TESTING_LIVE_SOCKET_DIRECTORY_H_

#include <string>
#include <string_view>

namespace kit::testing {

class SocketDirectory {
 public:
  SocketDirectory();  // throws std::system_error when the directory cannot be made
  ~SocketDirectory();
  SocketDirectory(const SocketDirectory&) = delete;
  SocketDirectory& operator=(const SocketDirectory&) = delete;

  const std::string& path() const noexcept { return path_; }
  // file: the path of `name` inside the directory.
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

}  // namespace kit::testing

#endif  // KIT_TESTING_LIVE_SOCKET_DIRECTORY_H_
