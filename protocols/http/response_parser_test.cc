// ResponseParser: every line of ../shared/notes/http-client-cases.md that a parser decides,
// and the RFC 9112 rules behind them. Each response is parsed whole, byte by byte and cut
// in two at every offset, and the events must be the same every way (run() checks).
#include "protocols/http/response_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/http/response_recorder.h"
#include "testing/generators/chunking.h"

namespace kit::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::parse_chunks;
using testing::ResponseRecorder;
using ::testing::StartsWith;

// run: the events of `raw` as a response to `method` (then a clean close if `eof`),
// after checking that byte-by-byte and every two-piece cutting give the same events.
std::vector<std::string> run(const std::string& raw, std::string_view method = "GET",
                             bool eof = true, ParserLimits limits = {}) {
  const std::vector<std::string> whole = parse_chunks({raw}, method, eof, limits);
  if (!raw.empty()) {
    EXPECT_EQ(parse_chunks(kit::testing::split_every(raw, 1), method, eof, limits), whole)
        << "byte by byte differs";
    for (std::size_t cut = 1; cut < raw.size(); ++cut) {
      EXPECT_EQ(parse_chunks(kit::testing::split_at(raw, {cut}), method, eof, limits), whole)
          << "cut at " << cut << " differs";
    }
  }
  return whole;
}

// The error event of `raw`, or "" when it parsed.
std::string error_of(const std::string& raw, std::string_view method = "GET", bool eof = true,
                     ParserLimits limits = {}) {
  for (const std::string& event : run(raw, method, eof, limits)) {
    if (event.rfind("error:", 0) == 0) return event;
  }
  return "";
}

// ---- Status line

TEST(ResponseParserStatusLine, ParsedIntoVersionCodeAndReason) {
  EXPECT_THAT(
      run("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
      ElementsAre("status:1.1 200 OK", "header:Content-Length: 0", "headers_complete", "complete"));
}

TEST(ResponseParserStatusLine, ReasonMayHoldSpacesAndObsText) {
  EXPECT_THAT(run("HTTP/1.0 500 Ori\xc3\xabntatie  probleem\r\nContent-Length: 0\r\n\r\n"),
              ::testing::Contains("status:1.0 500 Ori\xc3\xabntatie  probleem"));
}

TEST(ResponseParserStatusLine, NoReasonPhraseIsAcceptedWithAnEmptyReason) {
  EXPECT_THAT(run("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"),
              ::testing::Contains("status:1.1 200 "));
  EXPECT_THAT(run("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n"),
              ::testing::Contains("status:1.1 200 "));
}

TEST(ResponseParserStatusLine, WrongNumberOfPartsIsAProtocolError) {
  for (const char* line :
       {"HTTP/1.1", "HTTP/1.1 ", "HTTP/1.1 OK", "HTTP/1.1200 OK", "HTTP/1.1 200OK", "200 OK", ""}) {
    const std::string raw = std::string(line) + "\r\n\r\n";
    if (std::string(line).empty()) continue;  // an empty line is skipped, see below
    EXPECT_THAT(error_of(raw), StartsWith("error:protocol_violation: RFC 9112")) << line;
  }
}

TEST(ResponseParserStatusLine, CodeThatIsNotThreeDigitsIsAProtocolError) {
  for (const char* line : {"HTTP/1.1 2 OK", "HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 abc OK",
                           "HTTP/1.1 -20 OK", "HTTP/1.1 +200 OK"}) {
    EXPECT_THAT(error_of(std::string(line) + "\r\n\r\n"),
                StartsWith("error:protocol_violation: RFC 9112 4: status-code"))
        << line;
  }
}

TEST(ResponseParserStatusLine, CodeOutsideTheRangeIsAProtocolError) {
  EXPECT_THAT(error_of("HTTP/1.1 099 Low\r\n\r\n"), HasSubstr("RFC 9110 15"));
  EXPECT_THAT(error_of("HTTP/1.1 600 High\r\n\r\n"), HasSubstr("RFC 9110 15"));
}

TEST(ResponseParserStatusLine, BadVersionIsAProtocolError) {
  for (const char* line :
       {"HTTP/x.y 200 OK", "HTTP1.1 200 OK", "HTTP 200 OK", "HTTP/-1.1 200 OK", "HTTP/1.-1 200 OK",
        "HTTP/01.1 200 OK", "HTTP/1.01 200 OK", "HTTP/11.1 200 OK", "http/1.1 200 OK",
        "HTTPER/1.1 200 OK", "HTP/1.1 200 OK", "HTTP/1 200 OK"}) {
    EXPECT_THAT(error_of(std::string(line) + "\r\n\r\n"),
                StartsWith("error:protocol_violation: RFC 9112"))
        << line;
  }
}

TEST(ResponseParserStatusLine, AnotherMajorVersionIsUnsupported) {
  EXPECT_THAT(error_of("HTTP/2.0 200 OK\r\n\r\n"),
              StartsWith("error:unsupported: RFC 9110 2.5: HTTP/2.0 is not HTTP/1.x"));
}

TEST(ResponseParserStatusLine, OnlyOneSpAfterTheVersion) {
  EXPECT_THAT(error_of("HTTP/1.1  200 OK\r\n\r\n"), HasSubstr("RFC 9112 4"));
  EXPECT_THAT(error_of("HTTP/1.1\t200 OK\r\n\r\n"), HasSubstr("RFC 9112 4"));
}

TEST(ResponseParserStatusLine, LfOnlyLineEndingsAreAccepted) {
  EXPECT_THAT(run("HTTP/1.1 200 OK\nContent-Length: 2\nX: y\n\nhi"),
              ElementsAre("status:1.1 200 OK", "header:Content-Length: 2", "header:X: y",
                          "headers_complete", "body:hi", "complete"));
}

TEST(ResponseParserStatusLine, BareCrIsRefused) {
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n"), HasSubstr("RFC 9112 2.2"));
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nFoo: 1\rBar: 2\r\n\r\n"), HasSubstr("RFC 9112 2.2"));
}

TEST(ResponseParserStatusLine, EmptyLinesBeforeTheStatusLineAreSkipped) {
  EXPECT_THAT(
      run("\r\n\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
      ElementsAre("status:1.1 200 OK", "header:Content-Length: 0", "headers_complete", "complete"));
}

TEST(ResponseParserStatusLine, ControlCharacterInTheReasonIsRefused) {
  EXPECT_THAT(error_of(std::string("HTTP/1.1 200 O\0K\r\n\r\n", 21)), HasSubstr("reason-phrase"));
}

// ---- Header fields

TEST(ResponseParserHeaders, LeadingAndTrailingWhitespaceOfAValueIsRemoved) {
  EXPECT_THAT(run("HTTP/1.1 200 OK\r\nX:  \t v a\tl \t \r\nY:\r\nContent-Length: 0\r\n\r\n"),
              ElementsAre("status:1.1 200 OK", "header:X: v a\tl", "header:Y: ",
                          "header:Content-Length: 0", "headers_complete", "complete"));
}

TEST(ResponseParserHeaders, NoHeadersAtAllIsFine) {
  EXPECT_THAT(run("HTTP/1.1 404 Not Found\r\n\r\n"),
              ElementsAre("status:1.1 404 Not Found", "headers_complete", "complete"));
}

TEST(ResponseParserHeaders, ObsoleteLineFoldingIsRefused) {
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nX: a\r\n  b\r\nContent-Length: 0\r\n\r\n"),
              StartsWith("error:protocol_violation: RFC 9112 5.2: obsolete line folding"));
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nX: a\r\n\tb\r\n\r\n"), HasSubstr("RFC 9112 5.2"));
}

TEST(ResponseParserHeaders, WhitespaceBeforeTheFirstFieldLineIsRefused) {
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\n Host: foo\r\n\r\n"), HasSubstr("RFC 9112 2.2"));
}

TEST(ResponseParserHeaders, WhitespaceBeforeTheColonIsRefused) {
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello"),
              StartsWith("error:protocol_violation: RFC 9112 5.1: whitespace between"));
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nX\t: 5\r\n\r\n"), HasSubstr("RFC 9112 5.1"));
}

TEST(ResponseParserHeaders, NameThatIsNotATokenIsRefused) {
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nen-US Content-Type: x\r\n\r\n"),
              HasSubstr("RFC 9110 5.1"));
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\n: x\r\n\r\n"), HasSubstr("empty field name"));
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n"), HasSubstr("without a colon"));
}

TEST(ResponseParserHeaders, TcharsLikeUnderscoreAndDotAreNameCharacters) {
  EXPECT_THAT(run("HTTP/1.1 200 OK\r\nDCLK_imp: v\r\n.et-Cookie: c\r\nContent-Length: 0\r\n\r\n"),
              ::testing::IsSupersetOf({"header:DCLK_imp: v", "header:.et-Cookie: c"}));
}

TEST(ResponseParserHeaders, ControlCharactersInAValueAreRefused) {
  EXPECT_THAT(error_of(std::string("HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n", 27)),
              HasSubstr("RFC 9110 5.5"));
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nX: a\x7f\r\n\r\n"), HasSubstr("RFC 9110 5.5"));
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nX: a\x01\r\n\r\n"), HasSubstr("RFC 9110 5.5"));
}

TEST(ResponseParserHeaders, HeaderLineOverTheLimitFailsAndEndsTheConnection) {
  ParserLimits limits;
  limits.max_line_length = 64;
  const std::string fits = "HTTP/1.1 200 OK\r\nX: " + std::string(61, 'a') + "\r\n\r\n";
  EXPECT_EQ(error_of(fits, "GET", true, limits), "");
  const std::string over = "HTTP/1.1 200 OK\r\nX: " + std::string(62, 'a') + "\r\n\r\n";
  EXPECT_THAT(error_of(over, "GET", true, limits),
              StartsWith("error:limit_exceeded: header line longer than 64 bytes "
                         "(ParserLimits::max_line_length)"));
  // Refused as soon as the limit is passed, not when the line ends.
  ResponseRecorder recorder;
  ResponseParser parser(recorder, limits);
  parser.expect_response("GET");
  parser.feed("HTTP/1.1 200 OK\r\nX: " + std::string(100, 'a'));
  ASSERT_TRUE(parser.failed());
  EXPECT_EQ(parser.error()->kind(), ParseErrorKind::limit_exceeded);
  EXPECT_FALSE(parser.reusable());
  EXPECT_THROW(parser.feed("more"), ParseError);
}

TEST(ResponseParserHeaders, StatusLineOverTheLimitFails) {
  ParserLimits limits;
  limits.max_line_length = 20;
  EXPECT_THAT(error_of("HTTP/1.1 200 " + std::string(20, 'r') + "\r\n\r\n", "GET", true, limits),
              HasSubstr("status line longer than 20 bytes"));
}

TEST(ResponseParserHeaders, HeaderSectionOverTheLimitFails) {
  ParserLimits limits;
  limits.max_head_size = 100;
  std::string raw = "HTTP/1.1 200 OK\r\n";
  while (raw.size() < 100) raw += "X: 0123456789\r\n";
  raw += "\r\n";
  EXPECT_THAT(error_of(raw, "GET", true, limits),
              StartsWith("error:limit_exceeded: response head longer than 100 bytes "
                         "(ParserLimits::max_head_size)"));
  // Exactly at the limit is fine.
  const std::string exact =
      "HTTP/1.1 200 OK\r\nX: " + std::string(100 - 17 - 5 - 2, 'a') + "\r\n\r\n";
  ASSERT_EQ(exact.size(), 100u);
  EXPECT_EQ(error_of(exact, "GET", true, limits), "");
}

TEST(ResponseParserHeaders, TooManyHeaderFieldsFail) {
  ParserLimits limits;
  limits.max_header_count = 3;
  EXPECT_EQ(error_of("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", "GET", true, limits), "");
  EXPECT_THAT(
      error_of("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", "GET", true, limits),
      HasSubstr("more than 3 header fields (ParserLimits::max_header_count)"));
}

// ---- Framing

TEST(ResponseParserFraming, ContentLengthGivesExactlyThatManyBytes) {
  EXPECT_THAT(run("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "GET", false),
              ElementsAre("status:1.1 200 OK", "header:Content-Length: 5", "headers_complete",
                          "body:hello", "complete"));
}

TEST(ResponseParserFraming, BytesBeyondTheLengthBelongToTheNextResponse) {
  ResponseRecorder recorder;
  ResponseParser parser(recorder);
  parser.expect_response("GET");
  parser.expect_response("GET");
  parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nAAAHTTP/1.1 201 Created\r\n");
  parser.feed("Content-Length: 2\r\n\r\nBB");
  EXPECT_THAT(recorder.events,
              ElementsAre("status:1.1 200 OK", "header:Content-Length: 3", "headers_complete",
                          "body:AAA", "complete", "status:1.1 201 Created",
                          "header:Content-Length: 2", "headers_complete", "body:BB", "complete"));
  EXPECT_TRUE(parser.reusable());
}

TEST(ResponseParserFraming, BytesBeyondTheLengthWithNoNextRequestAreAnError) {
  const std::vector<std::string> events =
      run("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nAAAB", "GET", false);
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[4], "complete");  // the response itself was delivered
  EXPECT_THAT(events[5], StartsWith("error:protocol_violation: RFC 9112 9.3: data (starting \"B\") "
                                    "received with no request outstanding"));
}

TEST(ResponseParserFraming, BytesAfterAResponseThatClosesTheConnectionAreIgnored) {
  ResponseRecorder recorder;
  ResponseParser parser(recorder);
  parser.expect_response("GET");
  parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nAjunk");
  parser.feed("more junk");
  parser.feed_eof();
  EXPECT_EQ(recorder.events.back(), "complete");
  EXPECT_FALSE(parser.failed());
  EXPECT_EQ(parser.ignored_bytes(), 13u);
  EXPECT_FALSE(parser.reusable());
}

TEST(ResponseParserFraming, ContentLengthZeroGivesNoBodyEvents) {
  EXPECT_THAT(
      run("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "GET", false),
      ElementsAre("status:1.1 200 OK", "header:Content-Length: 0", "headers_complete", "complete"));
}

TEST(ResponseParserFraming, RepeatedEqualContentLengthsAreAccepted) {
  EXPECT_THAT(
      run("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi", "GET", false),
      ::testing::IsSupersetOf({"body:hi", "complete"}));
  EXPECT_THAT(run("HTTP/1.1 200 OK\r\nContent-Length: 2 ,2\r\n\r\nhi", "GET", false),
              ::testing::IsSupersetOf({"body:hi", "complete"}));
  EXPECT_THAT(run("HTTP/1.1 200 OK\r\nContent-Length:\t 2\t\r\n\r\nhi", "GET", false),
              ::testing::IsSupersetOf({"body:hi", "complete"}));
}

TEST(ResponseParserFraming, BadContentLengthsAreRefusedAndTheConnectionNotReused) {
  for (const char* value : {"2, 3", "+2", "-2", "2a", "0x2", "", "2,", ", 2", "1 2",
                            "99999999999999999999999", "18446744073709551616"}) {
    const std::string raw =
        "HTTP/1.1 200 OK\r\nContent-Length: " + std::string(value) + "\r\n\r\nhi";
    EXPECT_THAT(error_of(raw), StartsWith("error:protocol_violation: RFC 9110 8.6")) << value;
    ResponseRecorder recorder;
    ResponseParser parser(recorder);
    parser.expect_response("GET");
    parser.feed(raw);
    EXPECT_FALSE(parser.reusable());
  }
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi"),
              HasSubstr("differing Content-Length values (2 and 3)"));
}

TEST(ResponseParserFraming, LargestContentLengthIsAccepted) {
  ResponseRecorder recorder;
  ResponseParser parser(recorder);
  parser.expect_response("GET");
  parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\nabc");
  EXPECT_FALSE(parser.failed());
  EXPECT_THAT(recorder.events.back(), "body:abc");
}

TEST(ResponseParserFraming, ChunkedWinsOverContentLengthAndTheConnectionIsNotReused) {
  ResponseRecorder recorder;
  ResponseParser parser(recorder);
  parser.expect_response("GET");
  parser.feed(
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2\r\nhi\r\n0\r\n\r\n");
  EXPECT_THAT(recorder.events, ::testing::IsSupersetOf({"body:hi", "complete"}));
  EXPECT_FALSE(parser.failed());
  EXPECT_FALSE(parser.keep_alive());
  EXPECT_FALSE(parser.reusable());
}

TEST(ResponseParserFraming, TransferEncodingOtherThanASingleChunkedIsRefused) {
  for (const char* value : {"gzip", "chunked, gzip", "gzip, chunked", "identity", "chunkedchunked",
                            "chunked;x=1", "deflate"}) {
    EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: " + std::string(value) +
                         "\r\n\r\n2\r\nhi\r\n0\r\n\r\n"),
                StartsWith("error:unsupported: RFC 9112 6.3: Transfer-Encoding"))
        << value;
  }
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: "
                       "identity\r\n\r\nWorld"),
              StartsWith("error:unsupported"));
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
              HasSubstr("chunked applied more than once"));
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\n\r\n0\r\n\r\n"),
              HasSubstr("empty Transfer-Encoding"));
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: ;x\r\n\r\n0\r\n\r\n"),
              HasSubstr("not a transfer coding"));
  // Case does not matter; empty list elements are ignored (RFC 9110 5.6.1).
  EXPECT_EQ(error_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: , CHUNKED ,\r\n\r\n0\r\n\r\n"), "");
}

TEST(ResponseParserFraming, NeitherLengthNorChunkedReadsUntilACleanClose) {
  EXPECT_THAT(run("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello world"),
              ElementsAre("status:1.1 200 OK", "header:Content-Type: text/plain",
                          "headers_complete", "body:hello world", "complete"));
  ResponseRecorder recorder;
  ResponseParser parser(recorder);
  parser.expect_response("GET");
  parser.feed("HTTP/1.1 200 OK\r\n\r\nhello");
  EXPECT_FALSE(parser.keep_alive());
  // A reset is the caller's to report: without feed_eof() the body never completes.
  EXPECT_NE(recorder.events.back(), "complete");
  parser.feed_eof();
  EXPECT_EQ(recorder.events.back(), "complete");
  EXPECT_FALSE(parser.reusable());
}

TEST(ResponseParserFraming, DeclaredLengthThenAnEarlyCloseIsTruncated) {
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\nContent-Length: 219\r\n\r\n<HTML>"),
              StartsWith("error:truncated: RFC 9112 8: connection closed 213 bytes before the "
                         "end of the Content-Length body"));
}

TEST(ResponseParserFraming, HeadHasNoBodyEvenWithAContentLength) {
  ResponseRecorder recorder;
  ResponseParser parser(recorder);
  parser.expect_response("HEAD");
  parser.expect_response("GET");
  parser.feed(
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\n"
      "Content-Length: 5\r\n\r\nhello");
  EXPECT_THAT(recorder.events,
              ElementsAre("status:1.1 200 OK", "header:Content-Length: 5", "headers_complete",
                          "complete", "status:1.1 200 OK", "header:Content-Length: 5",
                          "headers_complete", "body:hello", "complete"));
  EXPECT_TRUE(parser.reusable());
}

TEST(ResponseParserFraming, NoContent204And304HaveNoBodyEvenWithAContentLength) {
  for (const char* status : {"204 No Content", "304 Not Modified"}) {
    EXPECT_THAT(
        run("HTTP/1.1 " + std::string(status) + "\r\nContent-Length: 10\r\n\r\n", "GET", false),
        ElementsAre("status:1.1 " + std::string(status), "header:Content-Length: 10",
                    "headers_complete", "complete"));
    EXPECT_THAT(run("HTTP/1.1 " + std::string(status) + "\r\nTransfer-Encoding: chunked\r\n\r\n",
                    "GET", false),
                ::testing::Contains("complete"));
  }
}

TEST(ResponseParserFraming, InterimResponsesAreSkippedSeveralInARow) {
  EXPECT_THAT(run("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
                  "\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                  "GET", false),
              ElementsAre("informational:100", "informational:103", "status:1.1 200 OK",
                          "header:Content-Length: 2", "headers_complete", "body:ok", "complete"));
}

TEST(ResponseParserFraming, SwitchingProtocolsIsUnsupported) {
  EXPECT_THAT(error_of("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"),
              StartsWith("error:unsupported: RFC 9110 15.2.2"));
}

TEST(ResponseParserFraming, SuccessfulConnectEndsTheHeadAndTheConnectionsHttpUse) {
  ResponseRecorder recorder;
  ResponseParser parser(recorder);
  parser.expect_response("CONNECT");
  parser.feed("HTTP/1.1 200 Connection established\r\nContent-Length: 9\r\n\r\n");
  EXPECT_EQ(recorder.events.back(), "complete");
  EXPECT_FALSE(parser.reusable());
}

TEST(ResponseParserFraming, TransferEncodingInHttp10IsDecodedButTheConnectionNotReused) {
  ResponseRecorder recorder;
  ResponseParser parser(recorder);
  parser.expect_response("GET");
  parser.feed(
      "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
      "2\r\nhi\r\n0\r\n\r\n");
  EXPECT_THAT(recorder.events, ::testing::IsSupersetOf({"body:hi", "complete"}));
  EXPECT_FALSE(parser.reusable());
}

// ---- Chunked

const std::string kChunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

TEST(ResponseParserChunked, ChunksSplitAcrossReadsWithCrlfInsideTheData) {
  // run() feeds it whole, byte by byte and cut at every offset.
  EXPECT_THAT(run(kChunkedHead + "4\r\na\r\nb\r\n1A\r\n" + std::string(26, 'z') + "\r\n0\r\n\r\n",
                  "GET", false),
              ElementsAre("status:1.1 200 OK", "header:Transfer-Encoding: chunked",
                          "headers_complete", "body:a\r\nb" + std::string(26, 'z'), "complete"));
}

TEST(ResponseParserChunked, ExtensionsAreIgnoredButChecked) {
  EXPECT_THAT(run(kChunkedHead + "5;ilovew3=\"I love; \\\"extensions\\\"\";x;y=z\r\nhello\r\n"
                                 "6 ; blah\t;\tblah = 1\r\n world\r\n0;last\r\n\r\n",
                  "GET", false),
              ::testing::IsSupersetOf({"body:hello world", "complete"}));
  for (const char* line : {"2;", "2;=x", "2;a=", "2;a=\"x", "2;a=\"x\"y", "2 erfrferferf", "2;a b",
                           "2;a=\x01", "2;\"a\""}) {
    EXPECT_THAT(error_of(kChunkedHead + line + "\r\naa\r\n0\r\n\r\n"),
                StartsWith("error:protocol_violation: RFC 9112 7.1.1"))
        << line;
  }
}

TEST(ResponseParserChunked, WhitespaceAfterTheChunkSizeIsRefused) {
  EXPECT_THAT(error_of(kChunkedHead + "2  \r\naa\r\n0\r\n\r\n"),
              HasSubstr("whitespace after the chunk size"));
}

TEST(ResponseParserChunked, ChunkSizeLineOverTheLimitIsRefused) {
  const std::string ext = ";" + std::string(1020, 'x');  // "2" + ext: 1022 bytes
  EXPECT_EQ(error_of(kChunkedHead + "2" + ext + "\r\naa\r\n0\r\n\r\n"), "");
  EXPECT_THAT(error_of(kChunkedHead + "2" + ext + "xxx\r\naa\r\n0\r\n\r\n"),
              StartsWith("error:limit_exceeded: chunk-size line longer than 1024 bytes"));
  // Many leading zeros count too: the line is bounded whatever it holds.
  EXPECT_THAT(error_of(kChunkedHead + std::string(2000, '0') + "2\r\naa\r\n0\r\n\r\n"),
              HasSubstr("chunk-size line longer than 1024 bytes"));
}

TEST(ResponseParserChunked, BadChunkSizesAreRefused) {
  for (const char* line : {"zz", "-5", "", " 5", "+5"}) {
    EXPECT_THAT(error_of(kChunkedHead + line + "\r\nhello\r\n0\r\n\r\n"),
                HasSubstr("does not start with hex digits"))
        << line;
  }
  EXPECT_THAT(error_of(kChunkedHead + "0x5\r\nhello\r\n0\r\n\r\n"),
              HasSubstr("RFC 9112 7.1.1: unexpected character"));
  EXPECT_THAT(error_of(kChunkedHead + "10000000000000000\r\nhello\r\n0\r\n\r\n"),
              HasSubstr("overflows"));
  EXPECT_EQ(error_of(kChunkedHead + "000000000000000000005\r\nhello\r\n0\r\n\r\n"), "");
}

TEST(ResponseParserChunked, ChunkNotFollowedByCrlfIsRefused) {
  EXPECT_THAT(error_of(kChunkedHead + "2\r\nabc\r\n0\r\n\r\n"),
              HasSubstr("RFC 9112 7.1: chunk data not followed by CRLF"));
  EXPECT_THAT(error_of(kChunkedHead + "2\r\nab\rX0\r\n\r\n"),
              HasSubstr("chunk data not followed by CRLF"));
  EXPECT_EQ(error_of(kChunkedHead + "2\r\nab\n0\n\n"), "");  // LF alone is a line end
}

TEST(ResponseParserChunked, ZeroChunkEndsTheBodyAndTrailersAreExposed) {
  EXPECT_THAT(
      run(kChunkedHead + "2\r\nhi\r\n0\r\nExpires:  never \r\nX-Sum: 42\r\n\r\n", "GET", false),
      ElementsAre("status:1.1 200 OK", "header:Transfer-Encoding: chunked", "headers_complete",
                  "body:hi", "trailer:Expires: never", "trailer:X-Sum: 42", "complete"));
}

TEST(ResponseParserChunked, TrailersAreCheckedAndBounded) {
  EXPECT_THAT(error_of(kChunkedHead + "0\r\nX: a\r\n b\r\n\r\n"), HasSubstr("RFC 9112 5.2"));
  EXPECT_THAT(error_of(kChunkedHead + "0\r\nX : a\r\n\r\n"), HasSubstr("RFC 9112 5.1"));
  ParserLimits limits;
  limits.max_trailer_size = 50;
  EXPECT_EQ(
      error_of(kChunkedHead + "0\r\nX: " + std::string(43, 'a') + "\r\n\r\n", "GET", true, limits),
      "");
  EXPECT_THAT(
      error_of(kChunkedHead + "0\r\nX: " + std::string(44, 'a') + "\r\n\r\n", "GET", true, limits),
      StartsWith("error:limit_exceeded: trailer section longer than 50 bytes"));
}

TEST(ResponseParserChunked, MissingFinalCrlfIsAnError) {
  EXPECT_THAT(error_of(kChunkedHead + "2\r\nhi\r\n0\r\n"),
              StartsWith("error:truncated: RFC 9112 8: connection closed before the end of the "
                         "trailer section"));
  EXPECT_THAT(error_of(kChunkedHead + "2\r\nhi\r\n0\r\nX: 1\r\n"), StartsWith("error:truncated"));
}

TEST(ResponseParserChunked, CloseBeforeTheLastChunkIsAFailure) {
  for (const char* rest : {"", "2", "2\r\n", "2\r\nh", "2\r\nhi", "2\r\nhi\r", "2\r\nhi\r\n"}) {
    EXPECT_THAT(error_of(kChunkedHead + rest),
                StartsWith("error:truncated: RFC 9112 8: connection closed before the last chunk"))
        << rest;
  }
}

// ---- Lifecycle (what the parser decides of it)

TEST(ResponseParserLifecycle, CloseBeforeAnyByteAndPartwayAreDistinct) {
  EXPECT_THAT(error_of(""), StartsWith("error:closed_before_response:"));
  EXPECT_THAT(error_of("H"), StartsWith("error:truncated: RFC 9112 8: connection closed inside "
                                        "the status line"));
  EXPECT_THAT(error_of("HTTP/1.1 200 OK\r\n"), StartsWith("error:truncated"));
  EXPECT_THAT(error_of("HTTP/1.1 100 Continue\r\n\r\n"), StartsWith("error:truncated"));
}

TEST(ResponseParserLifecycle, ARequestOnALostOrUsedUpConnectionIsRefused) {
  ResponseRecorder recorder;
  ResponseParser lost(recorder);
  lost.feed_eof();
  EXPECT_FALSE(lost.reusable());
  try {
    lost.expect_response("GET");
    FAIL() << "no throw";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.kind(), ParseErrorKind::caller_misuse);
    EXPECT_FALSE(e.peer_fault());
    EXPECT_THAT(e.what(), HasSubstr("after feed_eof()"));
  }
  ResponseParser closing(recorder);
  closing.expect_response("GET");
  closing.feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  EXPECT_THROW(closing.expect_response("GET"), ParseError);
}

TEST(ResponseParserLifecycle, ReusableOnlyAfterACompleteResponseThatAllowsIt) {
  struct Case {
    std::string raw;
    bool reusable;
  };
  for (const Case& c : std::vector<Case>{
           {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", true},
           {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", true},
           {"HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 1\r\n\r\nx", false},
           {"HTTP/1.1 200 OK\r\nConnection: foo, close\r\nContent-Length: 1\r\n\r\nx", false},
           {"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", false},
           {"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx", true},
           {"HTTP/1.1 200 OK\r\nProxy-Connection: close\r\nContent-Length: 1\r\n\r\nx", true},
           {"HTTP/1.1 204 No Content\r\n\r\n", true},
           {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nx", false},  // incomplete
       }) {
    ResponseRecorder recorder;
    ResponseParser parser(recorder);
    parser.expect_response("GET");
    parser.feed(c.raw);
    EXPECT_EQ(parser.reusable(), c.reusable) << c.raw;
  }
}

TEST(ResponseParserLifecycle, PipelinedRequestsAfterAClosingResponseStayUnanswered) {
  ResponseRecorder recorder;
  ResponseParser parser(recorder);
  parser.expect_response("GET");
  parser.expect_response("GET");
  parser.feed(
      "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  parser.feed_eof();
  EXPECT_EQ(recorder.messages.size(), 1u);
  EXPECT_TRUE(parser.awaiting_response());
  EXPECT_FALSE(parser.failed());
  EXPECT_FALSE(parser.reusable());
}

TEST(ResponseParserLifecycle, MisuseThrowsCallerMisuse) {
  ResponseRecorder recorder;
  ResponseParser parser(recorder);
  parser.expect_response("GET");
  parser.feed("nonsense\r\n");
  ASSERT_TRUE(parser.failed());
  EXPECT_TRUE(parser.error()->peer_fault());
  EXPECT_THROW(parser.feed("x"), ParseError);
  EXPECT_THROW(parser.expect_response("GET"), ParseError);
  parser.feed_eof();  // after a failure, the close is expected: no-op
  EXPECT_EQ(recorder.events.size(), 1u);

  ResponseParser closed(recorder);
  closed.feed_eof();
  EXPECT_THROW(closed.feed("x"), ParseError);
  EXPECT_THROW(closed.feed_eof(), ParseError);
}

class ReentrantHandler : public ResponseRecorder {
 public:
  void on_headers_complete() override {
    try {
      parser->feed("x");
    } catch (const ParseError& e) {
      kind = e.kind();
    }
  }
  ResponseParser* parser = nullptr;
  std::optional<ParseErrorKind> kind;
};

TEST(ResponseParserLifecycle, FeedingFromInsideAHandlerIsMisuse) {
  ReentrantHandler handler;
  ResponseParser parser(handler);
  handler.parser = &parser;
  parser.expect_response("GET");
  parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(handler.kind, ParseErrorKind::caller_misuse);
}

class ThrowingHandler : public ResponseRecorder {
 public:
  void on_body(std::string_view) override { throw std::runtime_error("consumer gave up"); }
};

TEST(ResponseParserLifecycle, AHandlerExceptionLeavesFeedAndFailsTheParser) {
  ThrowingHandler handler;
  ResponseParser parser(handler);
  parser.expect_response("GET");
  EXPECT_THROW(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"), std::runtime_error);
  EXPECT_TRUE(parser.failed());
  EXPECT_FALSE(parser.reusable());
}

TEST(ResponseParserLifecycle, TheNextResponseMayBeExpectedFromInsideTheCompleteEvent) {
  struct Chaining : ResponseRecorder {
    void on_message_complete() override {
      ResponseRecorder::on_message_complete();
      if (++completed == 1) parser->expect_response("GET");
    }
    ResponseParser* parser = nullptr;
    int completed = 0;
  } handler;
  ResponseParser parser(handler);
  handler.parser = &parser;
  parser.expect_response("GET");
  parser.feed(
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nAHTTP/1.1 200 OK\r\n"
      "Content-Length: 1\r\n\r\nB");
  EXPECT_EQ(handler.completed, 2);
  EXPECT_FALSE(parser.failed());
}

TEST(ResponseParserLifecycle, BodyDataIsAViewIntoTheFedBytes) {
  struct Views : ResponseRecorder {
    void on_body(std::string_view data) override { pointers.push_back(data.data()); }
    std::vector<const char*> pointers;
  } handler;
  ResponseParser parser(handler);
  parser.expect_response("GET");
  const std::string raw = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  parser.feed(raw);
  ASSERT_EQ(handler.pointers.size(), 1u);
  EXPECT_EQ(handler.pointers[0], raw.data() + raw.size() - 5);
}

}  // namespace
}  // namespace kit::http
