// parse_upload_argument: FILE[=REMOTE_PATH] as specs/cli.md reads it.
#include "examples/protokit/upload_command.h"

#include <gtest/gtest.h>

#include "examples/protokit/command_error.h"

namespace protokit_cli {
namespace {

TEST(ParseUploadArgument, RemoteDefaultsToTheBaseName) {
  EXPECT_EQ(parse_upload_argument("a.txt"), (UploadArgument{"a.txt", "a.txt"}));
  EXPECT_EQ(parse_upload_argument("dir/sub/a.txt"), (UploadArgument{"dir/sub/a.txt", "a.txt"}));
  EXPECT_EQ(parse_upload_argument("/abs/b"), (UploadArgument{"/abs/b", "b"}));
  EXPECT_EQ(parse_upload_argument("dir/"), (UploadArgument{"dir/", "dir"}));
  EXPECT_EQ(parse_upload_argument("name with space"),
            (UploadArgument{"name with space", "name with space"}));
}

TEST(ParseUploadArgument, SplitsAtTheFirstEquals) {
  EXPECT_EQ(parse_upload_argument("a=b"), (UploadArgument{"a", "b"}));
  EXPECT_EQ(parse_upload_argument("a=b=c"), (UploadArgument{"a", "b=c"}));
  EXPECT_EQ(parse_upload_argument("d/a=x/y z"), (UploadArgument{"d/a", "x/y z"}));
}

TEST(ParseUploadArgument, EmptyPartsAreUsageErrors) {
  for (const char* bad : {"", "=r", "f=", "=", "/"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(parse_upload_argument(bad), UsageError);
  }
}

}  // namespace
}  // namespace protokit_cli
