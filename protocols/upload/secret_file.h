// The PKUP/1 shared secret as `--secret-file FILE` gives it (specs/cli.md), for both
// `protokit serve upload` and `protokit upload`: the file's content, less one trailing
// LF or CRLF (what an editor or `echo` adds), so both ends derive the same HMAC key.
//
// Thread safety: functions of values; read_secret_file reads the file given.
#ifndef KIT_PROTOCOLS_UPLOAD_SECRET_FILE_H_
#define KIT_PROTOCOLS_UPLOAD_SECRET_FILE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace kit::upload {

// A secret file is a short key: more than this is a wrong file (or /dev/zero), refused
// rather than read into memory without bound.
inline constexpr std::size_t max_secret_file_size = 64 * 1024;

// secret_from_file_content: `content` less one trailing "\n" or "\r\n"; nothing else is
// removed (a second line end, spaces, a lone trailing CR are part of the secret).
std::string secret_from_file_content(std::string_view content);

// read_secret_file: the secret in the file at `path`. Throws std::system_error naming the
// file when it cannot be read, std::runtime_error when it is over max_secret_file_size
// or the secret is empty (an empty key would authenticate anyone who guesses it).
std::string read_secret_file(const std::string& path);

}  // namespace kit::upload

#endif  // KIT_PROTOCOLS_UPLOAD_SECRET_FILE_H_
