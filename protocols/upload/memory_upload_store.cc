#include "protocols/upload/memory_upload_store.h"

#include <memory>
#include <utility>

#include "kit/defer_to_thread.h"
#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_error.h"

namespace kit::upload {

struct MemoryUploadStore::Upload {
  std::uint64_t id = 0;
  std::string path;
  bool overwrite = true;
  std::string data;
  Sha256 hash;
  std::optional<Failure> failed;
  bool over = false;  // finished or dropped: later steps do nothing
};

class MemoryUploadStore::Writer final : public UploadWriter {
 public:
  Writer(MemoryUploadStore& store, ThreadPool& pool, std::shared_ptr<Upload> upload)
      : store_(store),
        pool_(pool),
        upload_(std::move(upload)),
        key_("memory-upload-" + std::to_string(upload_->id)) {}

  ~Writer() override {
    if (!finish_called_) drop(store_, *upload_);
  }

  Deferred<void> append(std::string bytes) override {
    return defer_to_thread(pool_, key_, [] {})
        .add_callback([this_store = &store_, upload = upload_,
                       bytes = std::move(bytes)]() -> Outcome<void> {
          if (upload->failed) return *upload->failed;
          if (upload->over) return Failure(errc::cancelled, "the upload was dropped");
          if (auto failure = this_store->take_failure(Operation::append)) {
            return fail_upload(*this_store, *upload, std::move(*failure));
          }
          if (this_store->capacity_ && this_store->used() + bytes.size() > *this_store->capacity_) {
            return fail_upload(*this_store, *upload,
                               Failure(upload_errc::no_space, "no space left on the store"));
          }
          upload->hash.update(bytes);
          upload->data.append(bytes);
          return Outcome<void>::success();
        });
  }

  Deferred<Finished> finish(std::string expected_sha256) override {
    finish_called_ = true;
    return defer_to_thread(pool_, key_, [] {})
        .add_callback([this_store = &store_, upload = upload_,
                       expected = std::move(expected_sha256)]() -> Outcome<Finished> {
          if (upload->failed) return *upload->failed;
          if (upload->over) return Failure(errc::cancelled, "the upload was dropped");
          MemoryUploadStore& store = *this_store;
          if (auto failure = store.take_failure(Operation::finish)) {
            return fail_upload(store, *upload, std::move(*failure));
          }
          Finished finished{false, upload->hash.finish_hex()};
          if (finished.sha256 != expected) {
            drop(store, *upload);
            return finished;
          }
          const auto path = UploadPath::parse(upload->path);
          if (auto refused = store.refusal(*path, false))
            return fail_upload(store, *upload, *refused);
          if (!upload->overwrite && store.files_.count(upload->path) != 0) {
            return fail_upload(store, *upload, Failure(upload_errc::exists, "exists"));
          }
          store.files_[upload->path] = std::move(upload->data);
          drop(store, *upload);
          finished.committed = true;
          return finished;
        });
  }

 private:
  static void drop(MemoryUploadStore& store, Upload& upload) {
    if (upload.over) return;
    upload.over = true;
    upload.data.clear();
    store.temporaries_.erase(upload.id);
  }

  static Failure fail_upload(MemoryUploadStore& store, Upload& upload, Failure failure) {
    upload.failed = failure;
    drop(store, upload);
    return failure;
  }

  MemoryUploadStore& store_;
  ThreadPool& pool_;
  std::shared_ptr<Upload> upload_;
  std::string key_;
  bool finish_called_ = false;
};

Deferred<std::unique_ptr<UploadWriter>> MemoryUploadStore::begin(ThreadPool& pool,
                                                                 const UploadPath& path,
                                                                 bool overwrite) {
  return defer_to_thread(pool, [] {})
      .add_callback([this, &pool, path, overwrite]() -> Outcome<std::unique_ptr<UploadWriter>> {
        if (auto failure = take_failure(Operation::begin)) return std::move(*failure);
        if (auto refused = refusal(path, false)) return std::move(*refused);
        if (!overwrite && files_.count(path.str()) != 0) {
          return Failure(upload_errc::exists, "exists");
        }
        auto upload = std::make_shared<Upload>();
        upload->id = next_id_++;
        upload->path = path.str();
        upload->overwrite = overwrite;
        temporaries_[upload->id] = upload.get();
        return std::unique_ptr<UploadWriter>(
            std::make_unique<Writer>(*this, pool, std::move(upload)));
      });
}

Deferred<std::optional<StoredFile>> MemoryUploadStore::stat(ThreadPool& pool,
                                                            const UploadPath& path) {
  return defer_to_thread(pool, [] {})
      .add_callback([this, path]() -> Outcome<std::optional<StoredFile>> {
        if (auto failure = take_failure(Operation::stat)) return std::move(*failure);
        if (auto refused = refusal(path, true)) return std::move(*refused);
        const auto it = files_.find(path.str());
        if (it == files_.end()) return std::optional<StoredFile>();
        return std::optional<StoredFile>(StoredFile{it->second.size(), sha256_hex(it->second)});
      });
}

std::size_t MemoryUploadStore::buffered() const noexcept {
  std::size_t n = 0;
  for (const auto& [id, upload] : temporaries_) n += upload->data.size();
  return n;
}

void MemoryUploadStore::fail_next(Operation operation, Failure failure) {
  fail_next_.insert_or_assign(operation, std::move(failure));
}

std::optional<Failure> MemoryUploadStore::take_failure(Operation operation) {
  const auto it = fail_next_.find(operation);
  if (it == fail_next_.end()) return std::nullopt;
  Failure failure = std::move(it->second);
  fail_next_.erase(it);
  return failure;
}

bool MemoryUploadStore::is_directory(const std::string& path) const {
  const std::string prefix = path + "/";
  const auto it = files_.lower_bound(prefix);
  return it != files_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

std::optional<Failure> MemoryUploadStore::refusal(const UploadPath& path, bool for_stat) const {
  std::string prefix;
  const auto& parts = path.components();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) prefix += '/';
    prefix += parts[i];
    if (outside_links_.count(prefix) != 0) {
      return Failure(upload_errc::path_refused, "path leads out of the root");
    }
    if (!for_stat && i + 1 < parts.size() && files_.count(prefix) != 0) {
      return Failure(upload_errc::path_refused, "a parent of the path is a file");
    }
  }
  if (!for_stat && is_directory(path.str())) {
    return Failure(upload_errc::path_refused, "path is a directory");
  }
  return std::nullopt;
}

std::size_t MemoryUploadStore::used() const noexcept {
  std::size_t n = buffered();
  for (const auto& [path, content] : files_) n += content.size();
  return n;
}

}  // namespace kit::upload
