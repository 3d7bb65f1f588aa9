// TlsContext: what a bad or missing file says, and the version range.
#include "kit/tls/tls_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>

#include "testing/tls/test_certificates.h"

namespace kit::tls {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::TestCertificates;

const TestCertificates::Files& pki() { return TestCertificates::shared(); }

std::string message_of(const std::function<void()>& make) {
  try {
    make();
  } catch (const TlsContextError& e) {
    return e.what();
  }
  return "no TlsContextError";
}

std::string temp_file(const std::string& name, const std::string& text) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(TlsContextTest, ServerWithGoodFilesIsMade) {
  const TlsContext context = TlsContext::server(
      {.certificate_chain_file = pki().server_certificate, .private_key_file = pki().leaf_key});
  EXPECT_TRUE(context.is_server());
  EXPECT_NE(context.native(), nullptr);
}

TEST(TlsContextTest, MissingCertificateFileIsNamedWithTheSystemsReason) {
  EXPECT_EQ(message_of([] {
              TlsContext::server({.certificate_chain_file = "/nonexistent/cert.pem",
                                  .private_key_file = pki().leaf_key});
            }),
            "cannot read the certificate file '/nonexistent/cert.pem': No such file or directory");
}

TEST(TlsContextTest, MissingKeyFileIsNamed) {
  EXPECT_EQ(message_of([] {
              TlsContext::server({.certificate_chain_file = pki().server_certificate,
                                  .private_key_file = "/nonexistent/key.pem"});
            }),
            "cannot read the private key file '/nonexistent/key.pem': No such file or directory");
}

TEST(TlsContextTest, NoFilesGivenIsAClearError) {
  EXPECT_EQ(message_of([] { TlsContext::server({}); }), "no certificate file given");
}

TEST(TlsContextTest, CertificateFileWithoutACertificateIsRefused) {
  const std::string path = temp_file("not-a-cert.pem", "hello\n");
  EXPECT_THAT(
      message_of([&] {
        TlsContext::server({.certificate_chain_file = path, .private_key_file = pki().leaf_key});
      }),
      AllOf(HasSubstr("cannot load the certificate chain from '" + path + "'"),
            HasSubstr("no start line")));
}

TEST(TlsContextTest, KeyFileWithoutAKeyIsRefused) {
  EXPECT_THAT(message_of([] {
                TlsContext::server({.certificate_chain_file = pki().server_certificate,
                                    .private_key_file = pki().server_certificate});
              }),
              HasSubstr("cannot load the private key from '" + pki().server_certificate + "'"));
}

TEST(TlsContextTest, KeyThatDoesNotMatchTheCertificateIsRefused) {
  EXPECT_THAT(message_of([] {
                TlsContext::server({.certificate_chain_file = pki().server_certificate,
                                    .private_key_file = pki().ca_key});
              }),
              HasSubstr("the private key in '" + pki().ca_key +
                        "' does not match the certificate in '" + pki().server_certificate + "'"));
}

TEST(TlsContextTest, MissingCaFileIsNamed) {
  EXPECT_EQ(message_of([] { TlsContext::client({.ca_files = {"/nonexistent/ca.pem"}}); }),
            "cannot read the CA certificate file '/nonexistent/ca.pem': No such file or directory");
}

TEST(TlsContextTest, CaFileWithoutCertificatesIsRefused) {
  const std::string path = temp_file("empty-ca.pem", "");
  EXPECT_THAT(message_of([&] { TlsContext::client({.ca_files = {path}}); }),
              HasSubstr("cannot load CA certificates from '" + path + "'"));
}

TEST(TlsContextTest, ClientVerifiesByDefaultAgainstTheSystemStore) {
  const TlsContext context = TlsContext::client();
  EXPECT_FALSE(context.is_server());
  EXPECT_TRUE(context.verifies());
}

TEST(TlsContextTest, InsecureClientDoesNotVerify) {
  EXPECT_FALSE(TlsContext::client({.ca_files = {}, .insecure = true}).verifies());
}

TEST(TlsContextTest, MinimumAboveMaximumIsRefused) {
  EXPECT_EQ(message_of([] {
              TlsContext::client({.ca_files = {},
                                  .insecure = false,
                                  .min_version = TlsVersion::tls1_3,
                                  .max_version = TlsVersion::tls1_2});
            }),
            "the TLS minimum version TLSv1.3 is above the maximum TLSv1.2");
}

TEST(TlsContextTest, NonPositiveHandshakeTimeoutIsRefused) {
  EXPECT_EQ(message_of([] {
              TlsContext::server({.certificate_chain_file = pki().server_certificate,
                                  .private_key_file = pki().leaf_key,
                                  .handshake_timeout = std::chrono::seconds(0)});
            }),
            "the TLS handshake timeout must be positive");
  EXPECT_FALSE(TlsContext::server({.certificate_chain_file = pki().server_certificate,
                                   .private_key_file = pki().leaf_key,
                                   .handshake_timeout = std::nullopt})
                   .handshake_timeout()
                   .has_value());
  EXPECT_EQ(TlsContext::client().handshake_timeout(), std::chrono::seconds(30));
}

}  // namespace
}  // namespace kit::tls
