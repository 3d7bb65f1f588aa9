#include "examples/protokit/stdin_pump.h"

#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <utility>

namespace protokit_cli {

struct StdinPump::Shared {
  std::mutex mutex;
  std::condition_variable resumed;
  kit::Reactor* reactor = nullptr;  // null once the pump is destroyed
  bool paused = false;
  std::function<void(std::string)> on_data;
  std::function<void(std::string)> on_eof;
};

namespace {

// Hands `fn` to the reactor unless the pump is gone. Returns false when it is.
template <typename Fn>
bool post(const std::shared_ptr<StdinPump::Shared>& shared, Fn fn) {
  std::lock_guard lock(shared->mutex);
  if (shared->reactor == nullptr) return false;
  shared->reactor->call_from_thread(std::move(fn));
  return true;
}

void read_loop(std::shared_ptr<StdinPump::Shared> shared, int fd) {
  std::string buffer(64 * 1024, '\0');
  while (true) {
    {
      std::unique_lock lock(shared->mutex);
      shared->resumed.wait(lock, [&] { return !shared->paused || shared->reactor == nullptr; });
      if (shared->reactor == nullptr) return;
    }
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string error =
          n < 0 ? std::string("reading standard input: ") + std::strerror(errno) : "";
      post(shared, [shared, error] {
        // The pump may have been destroyed after this was posted (the connection ended).
        if (shared->reactor != nullptr && shared->on_eof) shared->on_eof(error);
      });
      return;
    }
    std::string chunk(buffer.data(), static_cast<std::size_t>(n));
    if (!post(shared, [shared, chunk = std::move(chunk)]() mutable {
          // The pump may have been destroyed after this was posted.
          if (shared->reactor != nullptr && shared->on_data) shared->on_data(std::move(chunk));
        })) {
      return;
    }
  }
}

}  // namespace

StdinPump::StdinPump(kit::Reactor& reactor, int fd, std::function<void(std::string)> on_data,
                     std::function<void(std::string)> on_eof)
    : shared_(std::make_shared<Shared>()) {
  shared_->reactor = &reactor;
  shared_->on_data = std::move(on_data);
  shared_->on_eof = std::move(on_eof);
  std::thread(read_loop, shared_, fd).detach();
}

StdinPump::~StdinPump() {
  std::lock_guard lock(shared_->mutex);
  shared_->reactor = nullptr;
  shared_->resumed.notify_all();
}

void StdinPump::pause() {
  std::lock_guard lock(shared_->mutex);
  shared_->paused = true;
}

void StdinPump::resume() {
  std::lock_guard lock(shared_->mutex);
  shared_->paused = false;
  shared_->resumed.notify_all();
}

}  // namespace protokit_cli
