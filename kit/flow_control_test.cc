#include "kit/flow_control.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "testing/mocks/mock_producer.h"

namespace kit {
namespace {

using Change = FlowControl::Change;

TEST(FlowControl, PausesAboveHighAndResumesAtLow) {
  FlowControl flow;
  testing::MockProducer producer;
  flow.set_limits(100, 10, "Test");
  flow.register_producer(producer, "Test");
  EXPECT_EQ(flow.update(100), Change::none);
  EXPECT_EQ(flow.update(101), Change::pause);
  EXPECT_EQ(flow.update(200), Change::none);
  EXPECT_EQ(flow.update(11), Change::none);
  EXPECT_EQ(flow.update(10), Change::resume);
  EXPECT_FALSE(flow.throttled()) << "a producer answers for the buffer, not reading";
}

TEST(FlowControl, WithNoProducerAReadThatGrowsTheBufferAboveHighThrottlesUntilLow) {
  FlowControl flow;
  flow.set_limits(100, 10, "Test");
  flow.read_delivered(0, 100);
  EXPECT_FALSE(flow.throttled()) << "at the high-water mark is not above it";
  flow.read_delivered(100, 101);
  EXPECT_TRUE(flow.throttled());
  flow.update(50);
  EXPECT_TRUE(flow.throttled());
  flow.update(10);
  EXPECT_FALSE(flow.throttled());
}

TEST(FlowControl, OnlyOutputCausedByReadingThrottles) {
  FlowControl flow;
  flow.set_limits(100, 10, "Test");
  flow.update(5000);  // written from connection_made() or a timer
  EXPECT_FALSE(flow.throttled());
  flow.read_delivered(5000, 5000);  // a read that answered nothing
  EXPECT_FALSE(flow.throttled());
  flow.read_delivered(5000, 4000);  // a read during which the buffer drained
  EXPECT_FALSE(flow.throttled());
  flow.read_delivered(5000, 5001);
  EXPECT_TRUE(flow.throttled());
}

TEST(FlowControl, RegisteringAProducerOrTurningBackPressureOffLiftsTheThrottle) {
  FlowControl flow;
  testing::MockProducer producer;
  flow.set_limits(100, 10, "Test");
  flow.read_delivered(0, 500);
  ASSERT_TRUE(flow.throttled());
  flow.register_producer(producer, "Test");
  EXPECT_FALSE(flow.throttled());
  flow.read_delivered(0, 500);
  EXPECT_FALSE(flow.throttled()) << "the producer answers for the buffer";
  EXPECT_EQ(flow.update(500), Change::pause);
  flow.unregister_producer();
  flow.read_delivered(0, 500);
  EXPECT_TRUE(flow.throttled());
  flow.set_back_pressure(false);
  EXPECT_FALSE(flow.throttled());
  flow.read_delivered(0, 1000);
  EXPECT_FALSE(flow.throttled());
}

TEST(FlowControl, RefusesASecondProducerAndLowAboveHigh) {
  FlowControl flow;
  testing::MockProducer a;
  testing::MockProducer b;
  flow.register_producer(a, "Test");
  EXPECT_THROW(flow.register_producer(b, "Test"), std::logic_error);
  EXPECT_THROW(flow.set_limits(1, 2, "Test"), std::invalid_argument);
}

}  // namespace
}  // namespace kit
