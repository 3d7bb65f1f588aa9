#include "protocols/upload/upload_temporaries.h"

#include "protocols/upload/upload_path.h"

namespace kit::upload {

std::vector<std::filesystem::path> find_upload_temporaries(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().filename().string().starts_with(UploadPath::temporary_prefix)) {
      found.push_back(entry.path());
    }
  }
  return found;
}

}  // namespace kit::upload
