// MockProducer checks a transport's flow control: StringTransport pauses its producer
// above the high-water mark, resumes it at the low one, and stops it when the connection
// goes away (kit/transport.h, promise 7).
#include "testing/mocks/mock_producer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "fakes/string_transport.h"
#include "kit/protocol.h"

namespace kit::testing {
namespace {

using ::kit::fakes::StringTransport;
using ::testing::InSequence;
using ::testing::MockFunction;
using ::testing::StrictMock;

TEST(MockProducerTest, PausedAboveHighWaterResumedAtLowWaterStoppedOnLoss) {
  StringTransport transport;
  Protocol protocol;
  StrictMock<MockProducer> producer;
  MockFunction<void(std::string)> check;
  {
    InSequence in_order;
    EXPECT_CALL(check, Call("filled to the mark"));
    EXPECT_CALL(producer, pause_producing);
    EXPECT_CALL(check, Call("above the mark"));
    EXPECT_CALL(check, Call("drained above low"));
    EXPECT_CALL(producer, resume_producing);
    EXPECT_CALL(check, Call("drained to low"));
    EXPECT_CALL(producer, stop_producing);
  }
  transport.connect(protocol);
  transport.set_write_buffer_limits(/*high=*/10, /*low=*/4);
  transport.hold_writes(true);
  transport.register_producer(producer);

  transport.write("0123456789");  // 10 held: not above the mark yet
  check.Call("filled to the mark");
  transport.write("a");  // 11 held
  check.Call("above the mark");
  transport.deliver_held(6);  // 5 held
  check.Call("drained above low");
  transport.deliver_held(1);  // 4 held
  check.Call("drained to low");
  transport.lose_from_peer();
}

}  // namespace
}  // namespace kit::testing
