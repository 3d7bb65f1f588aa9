// MockTransport: a GoogleMock Transport, for testing a protocol's requests one by one.
//
// Every virtual of kit::Transport is mocked, including write_sequence() and the Producer
// side (pause_producing, resume_producing, stop_producing). Their default actions do what
// the real base class does, so an expectation that only counts calls still behaves like a
// transport:
//   - write_sequence() calls write() once per piece (Transport's default);
//   - pause_producing / resume_producing / stop_producing call pause_reading /
//     resume_reading / lose_connection (a transport produces what it reads);
//   - lose_connection() and abort_connection() turn disconnecting() true.
// peer() and host() return Address() (Family::none) unless a test says otherwise.
// disconnecting() and context() are not mocked: the first answers from the calls above (or
// set_disconnecting()), the second gives a FakeContext of the mock's own unless a test
// sets one (set_context()), so a protocol can read its clock without an expectation.
//
// Strictness: the kit's test main (testing/test_main.cc) sets
// --gmock_default_mock_behavior=2, so a plain MockTransport is already strict: a call with
// no matching EXPECT_CALL fails the test, and the default actions above run only for
// calls a test expects. Write StrictMock<MockTransport> anyway where strictness is the
// point of the test, so it survives a relaxed run; use NiceMock<MockTransport> for a
// transport whose calls a test does not care about.
//
// For a protocol's behaviour over whole conversations, prefer fakes::StringTransport: it
// keeps the promises of kit/transport.h, which a mock only does as far as a test scripts it.
//
// Thread safety: the test's thread.
#ifndef KIT_TESTING_MOCKS_MOCK_TRANSPORT_H_
#define KIT_TESTING_MOCKS_MOCK_TRANSPORT_H_

#include <gmock/gmock.h>

#include <cstddef>
#include <span>
#include <string_view>

#include "fakes/fake_context.h"
#include "kit/address.h"
#include "kit/context.h"
#include "kit/producer.h"
#include "kit/transport.h"

namespace kit::testing {

class MockTransport : public Transport {
 public:
  MockTransport();
  ~MockTransport() override;

  MOCK_METHOD(void, write, (std::string_view data), (override));
  MOCK_METHOD(void, write_sequence, (std::span<const std::string_view> pieces), (override));
  MOCK_METHOD(void, lose_connection, (), (override));
  MOCK_METHOD(void, abort_connection, (), (override));
  MOCK_METHOD(void, half_close, (), (override));
  MOCK_METHOD(Address, peer, (), (const, override));
  MOCK_METHOD(Address, host, (), (const, override));
  MOCK_METHOD(void, pause_reading, (), (override));
  MOCK_METHOD(void, resume_reading, (), (override));
  MOCK_METHOD(void, register_producer, (Producer & producer), (override));
  MOCK_METHOD(void, unregister_producer, (), (override));
  MOCK_METHOD(std::size_t, write_buffer_size, (), (const, override));
  MOCK_METHOD(void, set_write_buffer_limits, (std::size_t high, std::size_t low), (override));
  MOCK_METHOD(void, set_back_pressure, (bool on), (override));
  MOCK_METHOD(void, pause_producing, (), (override));
  MOCK_METHOD(void, resume_producing, (), (override));
  MOCK_METHOD(void, stop_producing, (), (override));

  bool disconnecting() const override { return disconnecting_; }
  Context& context() override { return context_ != nullptr ? *context_ : own_context_; }

  // set_disconnecting: sets what disconnecting() returns, for a protocol that checks it,
  // e.g. to simulate a connection the peer already broke.
  void set_disconnecting(bool value) noexcept { disconnecting_ = value; }
  // set_context: the context protocols get (it must outlive the mock).
  void set_context(Context& context) noexcept { context_ = &context; }

 private:
  bool disconnecting_ = false;
  Context* context_ = nullptr;
  fakes::FakeContext own_context_;
};

}  // namespace kit::testing

#endif  // KIT_TESTING_MOCKS_MOCK_TRANSPORT_H_
