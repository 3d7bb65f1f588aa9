#include "testing/conformance/contract_checking_producer.h"

namespace kit::testing {

void ContractCheckingProducer::check_not_stopped(const char* call) {
  if (stopped()) violations_.push_back(std::string(call) + " after stop_producing");
}

void ContractCheckingProducer::pause_producing() {
  check_not_stopped("pause_producing");
  if (paused_) violations_.push_back("pause_producing while already paused");
  paused_ = true;
  ++pauses_;
  if (on_pause) on_pause();
}

void ContractCheckingProducer::resume_producing() {
  check_not_stopped("resume_producing");
  if (!paused_) violations_.push_back("resume_producing while not paused");
  paused_ = false;
  ++resumes_;
  if (on_resume) on_resume();
}

void ContractCheckingProducer::stop_producing() {
  check_not_stopped("stop_producing");
  ++stops_;
  if (on_stop) on_stop();
}

}  // namespace kit::testing
