// TestCertificates: a small PKI made by the test, in memory, with OpenSSL -- no checked-in
// keys, nothing that expires in the repository.
//
//   kit::testing::TestCertificates pki;
//   auto files = pki.write_to(std::getenv("TEST_TMPDIR"));
//   auto server = kit::tls::TlsContext::server(
//       {.certificate_chain_file = files.server_certificate,
//        .private_key_file = files.server_key});
//   auto client = kit::tls::TlsContext::client({.ca_files = {files.ca}});
//
// A CA, and leaves it signed: `server` for localhost, 127.0.0.1 and ::1, valid from a day
// ago to a day ahead; `expired`, the same names but valid only until a day ago;
// `wrong_host`, for wrong.example.invalid only. `other_ca` signs nothing: trusting it
// instead of `ca` makes every leaf an unknown CA's. Keys are P-256; the leaves share one.
// Validity is on the system's clock, which is the one OpenSSL verifies against.
//
// Thread safety: none needed; each test makes its own.
#ifndef KIT_TESTING_TLS_TEST_CERTIFICATES_H_
#define KIT_TESTING_TLS_TEST_CERTIFICATES_H_

#include <string>

namespace kit::testing {

class TestCertificates {
 public:
  struct Files {
    std::string ca;                  // the CA's certificate
    std::string ca_key;              // its key (matches none of the leaves)
    std::string other_ca;            // an unrelated CA's certificate
    std::string leaf_key;            // the key of every leaf
    std::string server_certificate;  // localhost, 127.0.0.1, ::1
    std::string expired_certificate;
    std::string wrong_host_certificate;
  };

  // Generates everything; throws std::runtime_error if OpenSSL fails.
  TestCertificates();

  // PEM texts.
  const std::string& ca_pem() const noexcept { return ca_; }
  const std::string& server_pem() const noexcept { return server_; }

  // write_to: writes each PEM to a file in `directory` (which must exist); their paths.
  Files write_to(const std::string& directory) const;

  // shared: one PKI for the whole test binary, written to $TEST_TMPDIR (or the system's
  // temporary directory) the first time it is asked for. Making keys for every test of a
  // suite adds nothing.
  static const Files& shared();

 private:
  std::string ca_;
  std::string ca_key_;
  std::string other_ca_;
  std::string leaf_key_;
  std::string server_;
  std::string expired_;
  std::string wrong_host_;
};

}  // namespace kit::testing

#endif  // KIT_TESTING_TLS_TEST_CERTIFICATES_H_
