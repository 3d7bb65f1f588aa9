// ContractCheckingProducer catches a consumer that pauses twice, resumes what is not paused, or
// calls after stop_producing().
#include "testing/conformance/contract_checking_producer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kit::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ContractCheckingProducerTest, CountsAnOrderlyLifeWithoutViolations) {
  ContractCheckingProducer producer;
  int hooks = 0;
  producer.on_pause = [&] { ++hooks; };
  producer.on_resume = [&] { ++hooks; };
  producer.on_stop = [&] { ++hooks; };
  producer.pause_producing();
  EXPECT_TRUE(producer.paused());
  producer.resume_producing();
  producer.pause_producing();
  producer.stop_producing();
  EXPECT_EQ(producer.pauses(), 2u);
  EXPECT_EQ(producer.resumes(), 1u);
  EXPECT_EQ(producer.stops(), 1u);
  EXPECT_EQ(hooks, 4);
  EXPECT_THAT(producer.violations(), IsEmpty());
}

TEST(ContractCheckingProducerTest, CatchesUnbalancedCallsAndCallsAfterStop) {
  ContractCheckingProducer producer;
  producer.resume_producing();
  producer.pause_producing();
  producer.pause_producing();
  producer.stop_producing();
  producer.resume_producing();
  producer.stop_producing();
  EXPECT_THAT(
      producer.violations(),
      ElementsAre("resume_producing while not paused", "pause_producing while already paused",
                  "resume_producing after stop_producing", "stop_producing after stop_producing"));
}

}  // namespace
}  // namespace kit::testing
