// find_upload_temporaries: the `.pkup-*` files anywhere under a directory -- what a test
// of the disk store checks is gone after an upload ends, however it ended.
#ifndef KIT_PROTOCOLS_UPLOAD_UPLOAD_TEMPORARIES_H_
#define KIT_PROTOCOLS_UPLOAD_UPLOAD_TEMPORARIES_H_

#include <filesystem>
#include <vector>

namespace kit::upload {

std::vector<std::filesystem::path> find_upload_temporaries(const std::filesystem::path& dir);

}  // namespace kit::upload

#endif  // KIT_PROTOCOLS_UPLOAD_UPLOAD_TEMPORARIES_H_
