// ContractCheckingProducer: a Producer that records how its transport paused, resumed and
// stopped it, for the flow-control checks of the transport conformance suite.
//
// It checks, as each call arrives, what any consumer owes a producer: pause and resume
// alternate, starting with a pause, and nothing follows stop_producing(), which comes at
// most once. Breaches are kept in violations(). Tests observe the transport at each call
// with the on_* hooks (say, write_buffer_size() at the moment of the pause).
//
// Thread safety: the thread of the transport it is registered with.
#ifndef KIT_TESTING_CONFORMANCE_CONTRACT_CHECKING_PRODUCER_H_
#define KIT_TESTING_CONFORMANCE_CONTRACT_CHECKING_PRODUCER_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "kit/producer.h"

namespace kit::testing {

class ContractCheckingProducer : public Producer {
 public:
  std::function<void()> on_pause;
  std::function<void()> on_resume;
  std::function<void()> on_stop;

  void pause_producing() override;
  void resume_producing() override;
  void stop_producing() override;

  std::size_t pauses() const noexcept { return pauses_; }
  std::size_t resumes() const noexcept { return resumes_; }
  std::size_t stops() const noexcept { return stops_; }
  bool paused() const noexcept { return paused_; }
  bool stopped() const noexcept { return stops_ > 0; }
  const std::vector<std::string>& violations() const noexcept { return violations_; }

 private:
  void check_not_stopped(const char* call);

  std::size_t pauses_ = 0;
  std::size_t resumes_ = 0;
  std::size_t stops_ = 0;
  bool paused_ = false;
  std::vector<std::string> violations_;
};

}  // namespace kit::testing

#endif  // KIT_TESTING_CONFORMANCE_CONTRACT_CHECKING_PRODUCER_H_
