#include "kit/protocol_wrapper.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string_view>
#include <utility>

#include "fakes/string_transport.h"
#include "kit/factory.h"
#include "kit/wrapping_factory.h"
#include "testing/mocks/mock_producer.h"
#include "testing/mocks/mock_protocol.h"
#include "testing/mocks/mock_transport.h"

namespace kit {
namespace {

using ::testing::ElementsAre;
using ::testing::InSequence;
using ::testing::Return;
using ::testing::StrictMock;

TEST(ProtocolWrapper, PassesOnEveryProtocolCallback) {
  auto owned = std::make_unique<StrictMock<testing::MockProtocol>>();
  StrictMock<testing::MockProtocol>& inner = *owned;
  ProtocolWrapper wrapper(std::move(owned));
  fakes::StringTransport transport;
  {
    InSequence in_order;
    EXPECT_CALL(inner, connection_made());
    EXPECT_CALL(inner, data_received(std::string_view("abc")));
    EXPECT_CALL(inner, read_connection_lost()).WillOnce([] {});  // keep the connection
    EXPECT_CALL(inner, stop_requested()).WillOnce([] {});
    EXPECT_CALL(inner, connection_lost(::testing::Property(
                           &Failure::code, make_error_code(errc::connection_lost))));
  }
  transport.connect(wrapper);
  EXPECT_EQ(inner.transport(), &wrapper);  // the wrapped protocol's transport is the wrapper
  EXPECT_EQ(wrapper.transport(), &transport);
  transport.receive("abc");
  transport.receive_eof();
  wrapper.stop_requested();
  transport.lose_from_peer();
}

TEST(ProtocolWrapper, PassesOnEveryTransportCall) {
  StrictMock<testing::MockTransport> transport;
  StrictMock<testing::MockProducer> producer;
  auto owned = std::make_unique<Protocol>();
  Protocol& inner = *owned;
  ProtocolWrapper wrapper(std::move(owned));
  wrapper.make_connection(transport);
  Transport& seen = *inner.transport();
  ASSERT_EQ(&seen, &wrapper);

  const std::array<std::string_view, 2> pieces{"a", "b"};
  {
    InSequence in_order;
    EXPECT_CALL(transport, write(std::string_view("data")));
    EXPECT_CALL(transport, write_sequence(::testing::_)).WillOnce([&](auto got) {
      EXPECT_EQ(got.data(), pieces.data());
      EXPECT_EQ(got.size(), 2u);
    });
    EXPECT_CALL(transport, peer()).WillOnce(Return(Address::tcp("192.0.2.1", 1)));
    EXPECT_CALL(transport, host()).WillOnce(Return(Address::tcp("192.0.2.2", 2)));
    EXPECT_CALL(transport, pause_reading());
    EXPECT_CALL(transport, resume_reading());
    // The producer above is held by the wrapper; its membrane is registered below.
    EXPECT_CALL(transport, register_producer(::testing::Not(::testing::Ref(producer))));
    EXPECT_CALL(transport, unregister_producer());
    EXPECT_CALL(transport, write_buffer_size()).WillOnce(Return(42u));
    EXPECT_CALL(transport, set_write_buffer_limits(100u, 10u));
    EXPECT_CALL(transport, set_back_pressure(false));
    EXPECT_CALL(transport, half_close());
    EXPECT_CALL(transport, pause_reading());  // pause_producing: a transport produces reads
    EXPECT_CALL(transport, lose_connection());
    EXPECT_CALL(transport, abort_connection());
  }
  seen.write("data");
  seen.write_sequence(pieces);
  EXPECT_EQ(seen.peer(), Address::tcp("192.0.2.1", 1));
  EXPECT_EQ(seen.host(), Address::tcp("192.0.2.2", 2));
  seen.pause_reading();
  seen.resume_reading();
  seen.register_producer(producer);
  seen.unregister_producer();
  EXPECT_EQ(seen.write_buffer_size(), 42u);
  seen.set_write_buffer_limits(100, 10);
  seen.set_back_pressure(false);
  seen.half_close();
  seen.pause_producing();
  EXPECT_FALSE(seen.disconnecting());
  seen.lose_connection();
  EXPECT_TRUE(seen.disconnecting());
  seen.abort_connection();
}

// Records whether its transport said it was disconnecting when stop_requested() came.
class Watcher : public Protocol {
 public:
  void stop_requested() override { disconnecting_when_asked = transport()->disconnecting(); }
  bool disconnecting_when_asked = false;
};

TEST(ProtocolWrapper, DisconnectingFollowsACloseBelowTheWrapper) {
  fakes::StringTransport transport;
  auto owned = std::make_unique<Watcher>();
  Watcher& inner = *owned;
  ProtocolWrapper wrapper(std::move(owned));
  transport.connect(wrapper);
  transport.hold_writes(true);
  transport.write("pending");
  transport.lose_connection();  // closed under the wrapper; waits for the write to go out
  ASSERT_TRUE(transport.connected());
  wrapper.stop_requested();
  EXPECT_TRUE(inner.disconnecting_when_asked);
  EXPECT_TRUE(wrapper.disconnecting());
}

TEST(ProtocolWrapper, ReadConnectionLostDefaultClosesThroughTheWrapper) {
  fakes::StringTransport transport;
  ProtocolWrapper wrapper(std::make_unique<Protocol>());
  transport.connect(wrapper);
  transport.receive_eof();
  EXPECT_TRUE(wrapper.disconnecting());
  EXPECT_FALSE(transport.connected());
  EXPECT_TRUE(transport.lost_reason()->is(errc::connection_done));
}

TEST(ProtocolWrapper, AProducerAboveIsPausedResumedAndStoppedThroughTheMembrane) {
  fakes::StringTransport transport;
  auto owned = std::make_unique<Protocol>();
  Protocol& inner = *owned;
  ProtocolWrapper wrapper(std::move(owned));
  transport.connect(wrapper);
  StrictMock<testing::MockProducer> producer;
  inner.transport()->register_producer(producer);
  EXPECT_EQ(wrapper.producer_above(), &producer);
  ASSERT_NE(transport.producer(), nullptr);
  EXPECT_NE(transport.producer(), &producer) << "registered around the layer, not through it";

  transport.set_write_buffer_limits(8, 2);
  transport.hold_writes(true);
  {
    InSequence in_order;
    EXPECT_CALL(producer, pause_producing());
    EXPECT_CALL(producer, resume_producing());
    EXPECT_CALL(producer, stop_producing());
  }
  inner.transport()->write("0123456789");  // above the high-water mark below
  EXPECT_EQ(inner.transport()->write_buffer_size(), 10u);
  transport.deliver_held();  // drained: resumed
  transport.lose_from_peer();
  EXPECT_EQ(wrapper.producer_above(), nullptr);
}

TEST(ProtocolWrapper, UnregisteringAboveUnregistersTheMembraneBelow) {
  fakes::StringTransport transport;
  auto owned = std::make_unique<Protocol>();
  Protocol& inner = *owned;
  ProtocolWrapper wrapper(std::move(owned));
  transport.connect(wrapper);
  StrictMock<testing::MockProducer> producer;
  inner.transport()->register_producer(producer);
  inner.transport()->unregister_producer();
  EXPECT_EQ(transport.producer(), nullptr);
  transport.lose_from_peer();  // the producer is not stopped: it was unregistered
}

TEST(ProtocolWrapper, ContextIsTheTransportsBelow) {
  fakes::FakeContext context;
  fakes::StringTransport transport;
  transport.set_context(context);
  auto owned = std::make_unique<Protocol>();
  Protocol& inner = *owned;
  ProtocolWrapper wrapper(std::move(owned));
  transport.connect(wrapper);
  EXPECT_EQ(&inner.context(), &context);
  EXPECT_EQ(&inner.clock(), &context.clock());
  EXPECT_EQ(&inner.random(), &context.random());
  EXPECT_EQ(&inner.thread_pool(), &context.thread_pool());
}

TEST(ProtocolWrapper, RefusesToWrapNothing) {
  EXPECT_THROW(ProtocolWrapper(nullptr), std::invalid_argument);
}

// A factory that counts its starts and stops, and can refuse.
class CountingFactory : public Factory {
 public:
  std::unique_ptr<Protocol> build_protocol(const Address&) override {
    if (refuse) return nullptr;
    return std::make_unique<Protocol>();
  }
  void start_factory() override { ++starts; }
  void stop_factory() override { ++stops; }
  bool refuse = false;
  int starts = 0;
  int stops = 0;
};

TEST(WrappingFactory, CountsConnectionsUntilTheyAreLost) {
  CountingFactory inner;
  WrappingFactory factory(inner);
  std::unique_ptr<Protocol> first = factory.build_protocol(Address::tcp("192.0.2.1", 1));
  std::unique_ptr<Protocol> second = factory.build_protocol(Address::tcp("192.0.2.1", 2));
  EXPECT_EQ(factory.open_connections(), 2u);

  fakes::StringTransport transport;
  transport.connect(*first);
  transport.lose_from_peer();
  EXPECT_EQ(factory.open_connections(), 1u);
  first.reset();  // destroying it after connection_lost() does not count it twice
  EXPECT_EQ(factory.open_connections(), 1u);
  second.reset();  // never connected
  EXPECT_EQ(factory.open_connections(), 0u);
}

TEST(WrappingFactory, PassesOnARefusal) {
  CountingFactory inner;
  inner.refuse = true;
  WrappingFactory factory(inner);
  EXPECT_EQ(factory.build_protocol(Address::tcp("192.0.2.1", 1)), nullptr);
  EXPECT_EQ(factory.open_connections(), 0u);
}

TEST(WrappingFactory, StartsAndStopsTheWrappedFactory) {
  CountingFactory inner;
  WrappingFactory factory(inner);
  factory.do_start();
  factory.do_start();  // a second port: the wrapped factory is started once
  EXPECT_EQ(inner.starts, 1);
  factory.do_stop();
  EXPECT_EQ(inner.stops, 0);
  factory.do_stop();
  EXPECT_EQ(inner.stops, 1);
}

TEST(WrappingFactory, WrapsTheProtocolItsFactoryBuilds) {
  CountingFactory inner;
  WrappingFactory factory(inner);
  std::unique_ptr<Protocol> built = factory.build_protocol(Address::tcp("192.0.2.1", 1));
  auto* wrapper = dynamic_cast<ProtocolWrapper*>(built.get());
  ASSERT_NE(wrapper, nullptr);
  fakes::StringTransport transport;
  transport.connect(*wrapper);
  EXPECT_EQ(wrapper->wrapped().transport(), wrapper);
}

}  // namespace
}  // namespace kit
