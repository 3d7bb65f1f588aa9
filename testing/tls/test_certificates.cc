#include "testing/tls/test_certificates.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

namespace kit::testing {
namespace {

constexpr long day = 24 * 60 * 60;

struct KeyFree {
  void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
struct CertFree {
  void operator()(X509* cert) const noexcept { X509_free(cert); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("TestCertificates: ") + what + " failed");
}

Key new_key() {
  Key key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EVP_EC_gen");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  check(extension != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

// make_certificate: `key`'s certificate named `common_name`, valid from `not_before` to
// `not_after` seconds from now, signed by `issuer` (itself when null) with `issuer_key`.
Cert make_certificate(EVP_PKEY* key, const std::string& common_name, long not_before,
                      long not_after, X509* issuer, EVP_PKEY* issuer_key, const char* alt_names) {
  static long serial = 1;
  Cert cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), not_before);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), not_after);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("protokit tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (issuer == nullptr) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth,clientAuth");
    add_extension(cert.get(), signer, NID_subject_alt_name, alt_names);
  }
  check(X509_sign(cert.get(), issuer_key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

std::string pem_of(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  check(bio != nullptr && PEM_write_bio_X509(bio, cert) == 1, "PEM_write_bio_X509");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return out;
}

std::string pem_of(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  check(bio != nullptr &&
            PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return out;
}

std::string write_file(const std::string& directory, const std::string& name,
                       const std::string& text) {
  const std::string path = directory + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("TestCertificates: cannot write " + path);
  return path;
}

}  // namespace

TestCertificates::TestCertificates() {
  constexpr const char* local_names = "DNS:localhost,IP:127.0.0.1,IP:::1";
  Key ca_key = new_key();
  Cert ca = make_certificate(ca_key.get(), "protokit test CA", -day, 30 * day, nullptr,
                             ca_key.get(), nullptr);
  Key other_key = new_key();
  Cert other = make_certificate(other_key.get(), "protokit other CA", -day, 30 * day, nullptr,
                                other_key.get(), nullptr);
  Key leaf_key = new_key();
  Cert server =
      make_certificate(leaf_key.get(), "localhost", -day, day, ca.get(), ca_key.get(), local_names);
  Cert expired = make_certificate(leaf_key.get(), "localhost", -2 * day, -day, ca.get(),
                                  ca_key.get(), local_names);
  Cert wrong = make_certificate(leaf_key.get(), "wrong.example.invalid", -day, day, ca.get(),
                                ca_key.get(), "DNS:wrong.example.invalid");
  ca_ = pem_of(ca.get());
  ca_key_ = pem_of(ca_key.get());
  other_ca_ = pem_of(other.get());
  leaf_key_ = pem_of(leaf_key.get());
  server_ = pem_of(server.get());
  expired_ = pem_of(expired.get());
  wrong_host_ = pem_of(wrong.get());
}

TestCertificates::Files TestCertificates::write_to(const std::string& directory) const {
  return Files{
      .ca = write_file(directory, "ca.pem", ca_),
      .ca_key = write_file(directory, "ca-key.pem", ca_key_),
      .other_ca = write_file(directory, "other-ca.pem", other_ca_),
      .leaf_key = write_file(directory, "leaf-key.pem", leaf_key_),
      .server_certificate = write_file(directory, "server.pem", server_),
      .expired_certificate = write_file(directory, "expired.pem", expired_),
      .wrong_host_certificate = write_file(directory, "wrong-host.pem", wrong_host_),
  };
}

const TestCertificates::Files& TestCertificates::shared() {
  static const Files written = [] {
    const char* tmp = std::getenv("TEST_TMPDIR");
    const std::string directory =
        tmp != nullptr ? std::string(tmp) : std::filesystem::temp_directory_path().string();
    return TestCertificates().write_to(directory);
  }();
  return written;
}

}  // namespace kit::testing
