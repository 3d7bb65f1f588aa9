// MockProducer: a GoogleMock Producer, for checking a transport's flow control (when it
// pauses, resumes and stops what writes to it).
//
// Strictness: the kit's test main (testing/test_main.cc) sets
// --gmock_default_mock_behavior=2, so a plain MockProducer is already strict: a pause,
// resume or stop the test did not expect fails it. Write StrictMock<MockProducer> where
// that is the point of the test.
//
// Thread safety: the thread of the transport it is registered with.
#ifndef KIT_TESTING_MOCKS_MOCK_PRODUCER_H_
#define KIT_TESTING_MOCKS_MOCK_PRODUCER_H_

#include <gmock/gmock.h>

#include "kit/producer.h"

namespace kit::testing {

class MockProducer : public Producer {
 public:
  MockProducer();
  ~MockProducer() override;

  MOCK_METHOD(void, pause_producing, (), (override));
  MOCK_METHOD(void, resume_producing, (), (override));
  MOCK_METHOD(void, stop_producing, (), (override));
};

}  // namespace kit::testing

#endif  // KIT_TESTING_MOCKS_MOCK_PRODUCER_H_
