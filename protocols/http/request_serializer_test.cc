// RequestSerializer: the bytes of a request, and every refusal of a malformed one.
#include "protocols/http/request_serializer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace kit::http {
namespace {

using ::testing::HasSubstr;

RequestHead get(std::string target = "/") {
  RequestHead head;
  head.target = std::move(target);
  head.host = "example.com:8080";
  return head;
}

// The message of the RequestError `fn` throws, or "" when it throws none.
template <typename Fn>
std::string refusal(Fn fn) {
  try {
    fn();
  } catch (const RequestError& e) {
    return e.what();
  }
  return "";
}

TEST(RequestSerializer, WritesTheRequestLineHostUserAgentAndFields) {
  RequestHead head = get("/a/b?c=d");
  head.fields = {{"Accept", "*/*"}, {"X-Empty", ""}};
  const RequestSerializer request(head);
  EXPECT_EQ(request.head(),
            "GET /a/b?c=d HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: protokit\r\n"
            "Accept: */*\r\nX-Empty: \r\n\r\n");
}

TEST(RequestSerializer, NoUserAgentWhenEmpty) {
  RequestHead head = get();
  head.user_agent = "";
  EXPECT_EQ(RequestSerializer(head).head(), "GET / HTTP/1.1\r\nHost: example.com:8080\r\n\r\n");
}

TEST(RequestSerializer, ContentLengthBody) {
  RequestHead head = get("/up");
  head.method = "PUT";
  RequestSerializer request(head, RequestBody::length(5));
  EXPECT_THAT(request.head(), HasSubstr("\r\nContent-Length: 5\r\n\r\n"));
  std::string out;
  request.write_body("hel", out);
  request.write_body("lo", out);
  request.finish(out);
  EXPECT_EQ(out, "hello");
  EXPECT_TRUE(request.finished());
}

TEST(RequestSerializer, PostWithoutABodySaysContentLengthZero) {
  RequestHead head = get();
  head.method = "POST";
  EXPECT_THAT(RequestSerializer(head).head(), HasSubstr("Content-Length: 0\r\n"));
  EXPECT_THAT(RequestSerializer(get()).head(), ::testing::Not(HasSubstr("Content-Length")));
}

TEST(RequestSerializer, ChunkedBodyWithTrailers) {
  RequestHead head = get();
  head.method = "POST";
  RequestSerializer request(head, RequestBody::chunked());
  EXPECT_THAT(request.head(), HasSubstr("\r\nTransfer-Encoding: chunked\r\n\r\n"));
  std::string out;
  request.write_body("hello", out);
  request.write_body("", out);  // nothing: an empty chunk would end the body
  request.write_body(std::string(26, 'z'), out);
  request.finish(out, {{"X-Sum", "42"}});
  EXPECT_EQ(out, "5\r\nhello\r\n1a\r\n" + std::string(26, 'z') + "\r\n0\r\nX-Sum: 42\r\n\r\n");
  EXPECT_EQ(request.body_bytes_written(), 31u);
}

TEST(RequestSerializer, MoreBytesThanDeclaredAreRefusedAndNothingIsWritten) {
  RequestSerializer request(get(), RequestBody::length(3));
  std::string out;
  request.write_body("ab", out);
  EXPECT_THAT(refusal([&] { request.write_body("cd", out); }),
              HasSubstr("goes beyond the 3-byte Content-Length (2 written)"));
  EXPECT_EQ(out, "ab");
  request.write_body("c", out);
  request.finish(out);
  EXPECT_EQ(out, "abc");
}

TEST(RequestSerializer, FewerBytesThanDeclaredAreRefusedAtFinish) {
  RequestSerializer request(get(), RequestBody::length(3));
  std::string out;
  request.write_body("ab", out);
  EXPECT_THAT(refusal([&] { request.finish(out); }),
              HasSubstr("finish() after 2 of 3 declared body bytes"));
  EXPECT_EQ(out, "ab");
  EXPECT_FALSE(request.finished());
}

TEST(RequestSerializer, BodyCallsOutOfPlaceAreRefused) {
  RequestSerializer none(get());
  std::string out;
  EXPECT_THAT(refusal([&] { none.write_body("x", out); }), HasSubstr("without a body"));
  EXPECT_THAT(refusal([&] {
                none.finish(out, {{"X", "1"}});
              }),
              HasSubstr("trailers need a chunked body"));
  none.finish(out);
  EXPECT_THAT(refusal([&] { none.finish(out); }), HasSubstr("finish() called twice"));
  RequestSerializer chunked(get(), RequestBody::chunked());
  chunked.finish(out);
  EXPECT_THAT(refusal([&] { chunked.write_body("x", out); }), HasSubstr("after finish()"));
  EXPECT_EQ(out, "0\r\n\r\n");
}

TEST(RequestSerializer, MethodMustBeAToken) {
  for (const char* method : {"", "GE T", "GET\r\n", "G(ET"}) {
    RequestHead head = get();
    head.method = method;
    EXPECT_THAT(refusal([&] { RequestSerializer{head}; }), HasSubstr("method")) << method;
  }
}

TEST(RequestSerializer, TargetAndHostMustBeVisibleAscii) {
  for (const char* target : {"", "/a b", "/a\r\nX: y", "/\x7f", "/\xc3\xa9"}) {
    EXPECT_THAT(refusal([&] { RequestSerializer{get(target)}; }), HasSubstr("target")) << target;
  }
  RequestHead head = get();
  head.host = "";
  EXPECT_THAT(refusal([&] { RequestSerializer{head}; }), HasSubstr("host is empty"));
  head.host = "a\r\nb";
  EXPECT_THAT(refusal([&] { RequestSerializer{head}; }), HasSubstr("host"));
}

TEST(RequestSerializer, FieldNamesMustBeTokensAndValuesFreeOfCrLfNul) {
  const std::vector<std::pair<Field, std::string>> bad = {
      {{"", "v"}, "field name is empty"},
      {{"X Y", "v"}, "is not a token"},
      {{"X:", "v"}, "is not a token"},
      {{"X", "a\rb"}, "holds CR"},
      {{"X", "a\nb"}, "holds LF"},
      {{"X", std::string("a\0b", 3)}, "holds NUL"},
      {{"X", "a\x01"}, "holds a control"},
      {{"X", " a"}, "leading or trailing whitespace"},
      {{"Host", "other"}, "set by the serializer"},
      {{"content-length", "5"}, "set by the serializer"},
      {{"Transfer-Encoding", "chunked"}, "set by the serializer"},
      {{"User-Agent", "x"}, "User-Agent given both"},
  };
  for (const auto& [field, message] : bad) {
    RequestHead head = get();
    head.fields = {field};
    EXPECT_THAT(refusal([&] { RequestSerializer{head}; }), HasSubstr(message)) << field.name;
  }
  RequestSerializer chunked(get(), RequestBody::chunked());
  std::string out;
  EXPECT_THAT(refusal([&] { chunked.finish(out, {{"X", "a\nb"}}); }), HasSubstr("holds LF"));
  EXPECT_EQ(out, "");
}

TEST(RequestSerializer, RequestErrorIsCallerMisuse) {
  RequestHead head = get();
  head.method = "";
  EXPECT_THROW(RequestSerializer{head}, std::invalid_argument);
}

}  // namespace
}  // namespace kit::http
