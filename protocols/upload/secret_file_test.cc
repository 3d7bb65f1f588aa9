#include "protocols/upload/secret_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace kit::upload {
namespace {

TEST(SecretFromFileContent, RemovesOneTrailingLf) {
  EXPECT_EQ(secret_from_file_content("s3cret\n"), "s3cret");
}

TEST(SecretFromFileContent, RemovesOneTrailingCrlf) {
  EXPECT_EQ(secret_from_file_content("s3cret\r\n"), "s3cret");
}

TEST(SecretFromFileContent, KeepsContentWithoutLineEnd) {
  EXPECT_EQ(secret_from_file_content("s3cret"), "s3cret");
  EXPECT_EQ(secret_from_file_content(""), "");
}

TEST(SecretFromFileContent, RemovesOnlyOneLineEnd) {
  EXPECT_EQ(secret_from_file_content("s3cret\n\n"), "s3cret\n");
  EXPECT_EQ(secret_from_file_content("s3cret\r\n\r\n"), "s3cret\r\n");
  EXPECT_EQ(secret_from_file_content("s3cret\n\r\n"), "s3cret\n");
}

TEST(SecretFromFileContent, KeepsLoneCrSpacesAndInnerLineEnds) {
  EXPECT_EQ(secret_from_file_content("s3cret\r"), "s3cret\r");
  EXPECT_EQ(secret_from_file_content(" s3 cret \n"), " s3 cret ");
  EXPECT_EQ(secret_from_file_content("a\nb\n"), "a\nb");
}

TEST(SecretFromFileContent, KeepsArbitraryBytes) {
  const std::string bytes("\0\xff\x01k", 4);
  EXPECT_EQ(secret_from_file_content(bytes + "\n"), bytes);
}

class ReadSecretFile : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& content) {
    const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
};

TEST_F(ReadSecretFile, ReadsTheFileLessItsLineEnd) {
  EXPECT_EQ(read_secret_file(write("lf", "key\n")), "key");
  EXPECT_EQ(read_secret_file(write("crlf", "key\r\n")), "key");
}

TEST_F(ReadSecretFile, MissingFileThrowsNamingIt) {
  try {
    read_secret_file("/nonexistent/secret");
    FAIL() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/secret"), std::string::npos);
  }
}

TEST_F(ReadSecretFile, DirectoryIsRefused) {
  EXPECT_THROW(read_secret_file(std::getenv("TEST_TMPDIR")), std::system_error);
}

TEST_F(ReadSecretFile, EmptySecretIsRefused) {
  EXPECT_THROW(read_secret_file(write("empty", "")), std::runtime_error);
  EXPECT_THROW(read_secret_file(write("only-lf", "\n")), std::runtime_error);
}

TEST_F(ReadSecretFile, OversizedFileIsRefusedWithoutReadingItAll) {
  EXPECT_THROW(read_secret_file(write("big", std::string(max_secret_file_size + 1, 'k'))),
               std::runtime_error);
  EXPECT_THROW(read_secret_file("/dev/zero"), std::runtime_error);
  EXPECT_EQ(read_secret_file(write("max", std::string(max_secret_file_size, 'k'))).size(),
            max_secret_file_size);
}

}  // namespace
}  // namespace kit::upload
