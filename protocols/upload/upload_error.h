// upload_errc: how an UploadStore says no, and the PKUP/1 answer each way stands for.
//
// A store fails its Deferreds with a kit::Failure. When the code is one of these, the
// server answers with the code's number and the text below (403 with the Failure's
// message as the reason). A system error ENOSPC answers 507; any other failure answers
// `ERR 500 <message>` (the spec's "the text says why").
//
// Thread safety: functions of values.
#ifndef KIT_PROTOCOLS_UPLOAD_UPLOAD_ERROR_H_
#define KIT_PROTOCOLS_UPLOAD_UPLOAD_ERROR_H_

#include <string>
#include <system_error>

#include "kit/failure.h"

namespace kit::upload {

enum class upload_errc {
  path_refused = 403,  // the path leads out of the root, or through a file; message = reason
  exists = 409,        // a file is there and the store does not overwrite
  no_space = 507,      // not enough space to store the file
  store_failed = 500,  // anything else; message = why
};

const std::error_category& upload_category() noexcept;
std::error_code make_error_code(upload_errc e) noexcept;

// StoreAnswer: a failure as the server sends it: `ERR <code> <text>`.
struct StoreAnswer {
  int code;
  std::string text;
};

// answer_for: the answer that stands for `failure` (see above). The text has no control
// characters, so it fits on one line.
StoreAnswer answer_for(const Failure& failure);

}  // namespace kit::upload

namespace std {
template <>
struct is_error_code_enum<kit::upload::upload_errc> : true_type {};
}  // namespace std

#endif  // KIT_PROTOCOLS_UPLOAD_UPLOAD_ERROR_H_
