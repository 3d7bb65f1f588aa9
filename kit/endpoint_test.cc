#include "kit/endpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kit {
namespace {

using ::testing::HasSubstr;

TEST(ServerEndpoint, TcpPortOnAllInterfaces) {
  Endpoint e = parse_server_endpoint("tcp:8000");
  EXPECT_EQ(e.kind, Endpoint::Kind::tcp);
  EXPECT_EQ(e.port, 8000);
  EXPECT_EQ(e.host, "");
  EXPECT_EQ(e.backlog, 1024);
}

TEST(ServerEndpoint, TcpWithInterfaceAndPortZero) {
  Endpoint e = parse_server_endpoint("tcp:0:interface=127.0.0.1");
  EXPECT_EQ(e.port, 0);
  EXPECT_EQ(e.host, "127.0.0.1");
}

TEST(ServerEndpoint, Ipv6InterfacePlainEscapedOrBracketed) {
  EXPECT_EQ(parse_server_endpoint("tcp:8000:interface=::1").host, "::1");
  EXPECT_EQ(parse_server_endpoint("tcp:8000:interface=\\:\\:1").host, "::1");
  EXPECT_EQ(parse_server_endpoint("tcp:8000:interface=[::1]").host, "::1");
  EXPECT_EQ(parse_server_endpoint("tcp:8000:interface=fe80::1:2:backlog=7").host, "fe80::1:2");
  EXPECT_EQ(parse_server_endpoint("tcp:8000:interface=fe80::1:2:backlog=7").backlog, 7);
}

TEST(ServerEndpoint, KeywordPort) {
  EXPECT_EQ(parse_server_endpoint("tcp:port=81:interface=0.0.0.0").port, 81);
}

TEST(ServerEndpoint, UnixPathAndOptions) {
  Endpoint e = parse_server_endpoint("unix:/tmp/x.sock:mode=660:backlog=5");
  EXPECT_EQ(e.kind, Endpoint::Kind::unix_socket);
  EXPECT_EQ(e.path, "/tmp/x.sock");
  EXPECT_EQ(e.mode, 0660u);
  EXPECT_EQ(e.backlog, 5);
  EXPECT_EQ(parse_server_endpoint("unix:address=/a\\:b").path, "/a:b");
}

TEST(ServerEndpoint, SslIsParsed) {
  Endpoint e = parse_server_endpoint("ssl:8443:certKey=c.pem:privateKey=k.pem:interface=::1");
  EXPECT_EQ(e.kind, Endpoint::Kind::ssl);
  EXPECT_EQ(e.port, 8443);
  EXPECT_EQ(e.cert_key, "c.pem");
  EXPECT_EQ(e.private_key, "k.pem");
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(parse_server_endpoint("ssl:443:privateKey=both.pem").cert_key, "both.pem");
}

TEST(ServerEndpoint, ToStringParsesBack) {
  for (const char* text :
       {"tcp:8000", "tcp:0:interface=127.0.0.1", "tcp:1:interface=::1:backlog=9",
        "unix:/tmp/a\\:b.sock:mode=600", "ssl:443:privateKey=k.pem:certKey=c.pem"}) {
    Endpoint e = parse_server_endpoint(text);
    EXPECT_EQ(parse_server_endpoint(e.to_string()), e) << text << " -> " << e.to_string();
  }
}

void expect_bad_server(const char* text, const char* why) {
  try {
    parse_server_endpoint(text);
    ADD_FAILURE() << text << " parsed";
  } catch (const EndpointError& e) {
    EXPECT_THAT(e.what(), HasSubstr(why)) << text;
    EXPECT_THAT(e.what(), HasSubstr(text)) << "the message names the endpoint";
  }
}

TEST(ServerEndpoint, BadStringsSayWhatIsWrong) {
  expect_bad_server("8000", "expected KIND");
  expect_bad_server("udp:53", "unknown kind 'udp'");
  expect_bad_server("tcp:", "port '' is not a number");
  expect_bad_server("tcp:65536", "port '65536'");
  expect_bad_server("tcp:-1", "port '-1'");
  expect_bad_server("tcp:80x", "port '80x'");
  expect_bad_server("tcp:80:bogus=1", "unknown option 'bogus'");
  expect_bad_server("tcp:80:backlog=0", "backlog '0'");
  expect_bad_server("tcp:interface=::1", "no port given");
  expect_bad_server("unix:", "the path is empty");
  expect_bad_server("unix:/x:mode=999", "mode '999'");
  expect_bad_server("ssl:443", "privateKey");
  expect_bad_server("tcp:80\\", "lone backslash");
  expect_bad_server("tcp:80:interface=", "interface is empty");
}

TEST(ServerEndpoint, InterfaceMustBeANumericAddress) {
  expect_bad_server("tcp:0:interface=999.1.1.1", "'999.1.1.1' is not an IPv4 or IPv6 address");
  expect_bad_server("tcp:0:interface=nonsense", "'nonsense' is not an IPv4 or IPv6 address");
  expect_bad_server("tcp:0:interface=localhost", "'localhost' is not an IPv4");
  expect_bad_server("tcp:0:interface=1.2.3", "'1.2.3' is not an IPv4");
  expect_bad_server("tcp:0:interface=:::1", "':::1' is not an IPv4");
  expect_bad_server("tcp:0:interface=127.0.0.1%lo", "'127.0.0.1%lo' is not an IPv4");
  expect_bad_server("tcp:0:interface=fe80::1%", "empty scope");
  expect_bad_server("ssl:0:privateKey=k.pem:interface=example.com", "'example.com' is not");
  EXPECT_EQ(parse_server_endpoint("tcp:0:interface=0.0.0.0").host, "0.0.0.0");
  EXPECT_EQ(parse_server_endpoint("tcp:0:interface=::").host, "::");
  EXPECT_EQ(parse_server_endpoint("tcp:0:interface=::ffff:127.0.0.1").host, "::ffff:127.0.0.1");
  EXPECT_EQ(parse_server_endpoint("tcp:0:interface=fe80::1%lo").host, "fe80::1%lo");
}

TEST(ServerEndpoint, AnOptionGivenTwiceIsRefused) {
  expect_bad_server("tcp:0:interface=127.0.0.1:interface=::1",
                    "'interface' is given more than once");
  expect_bad_server("tcp:0:interface=::1:interface=::1", "'interface' is given more than once");
  expect_bad_server("tcp:0:backlog=1:backlog=2", "'backlog' is given more than once");
  expect_bad_server("tcp:80:port=81", "'port' is given more than once");
  expect_bad_server("tcp:port=80:port=81", "'port' is given more than once");
  expect_bad_server("unix:/a:address=/b", "'path' is given more than once");
  expect_bad_server("unix:/a:mode=600:mode=644", "'mode' is given more than once");
  expect_bad_server("ssl:1:privateKey=a:privateKey=b", "'privateKey' is given more than once");
}

TEST(ClientEndpoint, HostPortForms) {
  Endpoint plain = parse_client_endpoint("example.com:80");
  EXPECT_EQ(plain.kind, Endpoint::Kind::tcp);
  EXPECT_EQ(plain.host, "example.com");
  EXPECT_EQ(plain.port, 80);

  Endpoint v6 = parse_client_endpoint("[::1]:8000");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 8000);

  EXPECT_EQ(parse_client_endpoint("tcp:127.0.0.1:9").host, "127.0.0.1");
  EXPECT_EQ(parse_client_endpoint("tcp:[::1]:9").host, "::1");
  EXPECT_EQ(parse_client_endpoint("tcp:\\:\\:1:9").host, "::1");
  Endpoint keywords = parse_client_endpoint("tcp:host=localhost:port=7:timeout=2.5");
  EXPECT_EQ(keywords.host, "localhost");
  EXPECT_EQ(keywords.port, 7);
  EXPECT_EQ(keywords.timeout, std::chrono::milliseconds(2500));
}

TEST(ClientEndpoint, Unix) {
  Endpoint e = parse_client_endpoint("unix:/run/x.sock");
  EXPECT_EQ(e.kind, Endpoint::Kind::unix_socket);
  EXPECT_EQ(e.path, "/run/x.sock");
  EXPECT_EQ(parse_client_endpoint("unix:path=/a:timeout=1").timeout, std::chrono::seconds(1));
}

TEST(ClientEndpoint, BadStrings) {
  EXPECT_THROW(parse_client_endpoint("localhost"), EndpointError);
  EXPECT_THROW(parse_client_endpoint(":80"), EndpointError);
  EXPECT_THROW(parse_client_endpoint("[::1:80"), EndpointError);
  EXPECT_THROW(parse_client_endpoint("[::1]80"), EndpointError);
  EXPECT_THROW(parse_client_endpoint("host:99999"), EndpointError);
  EXPECT_THROW(parse_client_endpoint("tcp:host=a"), EndpointError);
  EXPECT_THROW(parse_client_endpoint("tcp:a:1:timeout=0"), EndpointError);
  EXPECT_THROW(parse_client_endpoint("unix:"), EndpointError);
  EXPECT_THROW(parse_client_endpoint("tcp:a:1:nope=1"), EndpointError);
  // An option given twice, or a positional value given again by keyword.
  EXPECT_THROW(parse_client_endpoint("tcp:host=a:host=b:port=1"), EndpointError);
  EXPECT_THROW(parse_client_endpoint("tcp:a:1:port=2"), EndpointError);
  EXPECT_THROW(parse_client_endpoint("tcp:a:1:timeout=1:timeout=2"), EndpointError);
  EXPECT_THROW(parse_client_endpoint("unix:/a:path=/b"), EndpointError);
}

}  // namespace
}  // namespace kit
