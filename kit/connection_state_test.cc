#include "kit/connection_state.h"

#include <gtest/gtest.h>

namespace kit {
namespace {

using Action = ConnectionState::Action;

TEST(ConnectionState, CloseFinishesAtOnceWithNothingBuffered) {
  ConnectionState state;
  EXPECT_EQ(state.close(true), Action::finish);
  EXPECT_TRUE(state.disconnecting());
  EXPECT_FALSE(state.accepts_writes());
  EXPECT_EQ(state.finish_reason(), errc::connection_done);
  EXPECT_EQ(state.close(true), Action::none) << "a second close does nothing";
}

TEST(ConnectionState, CloseWaitsForTheBufferToDrain) {
  ConnectionState state;
  EXPECT_EQ(state.close(false), Action::none);
  EXPECT_EQ(state.drained(), Action::finish);
}

TEST(ConnectionState, AbortFinishesNowEvenWhileClosingAndOnlyOnce) {
  ConnectionState state;
  state.close(false);
  EXPECT_EQ(state.abort(), Action::finish);
  EXPECT_EQ(state.finish_reason(), errc::connection_aborted);
  EXPECT_EQ(state.abort(), Action::none);
  EXPECT_EQ(state.drained(), Action::none) << "an aborted connection sends nothing more";
}

TEST(ConnectionState, HalfCloseShutsWriteAfterTheBufferAndKeepsReading) {
  ConnectionState state;
  EXPECT_EQ(state.half_close(false), Action::none);
  EXPECT_FALSE(state.accepts_writes());
  EXPECT_TRUE(state.reading());
  EXPECT_EQ(state.drained(), Action::shut_write);
  EXPECT_EQ(state.write_shut(), Action::none);
  EXPECT_EQ(state.drained(), Action::none);
  EXPECT_EQ(state.end_of_input(), Action::finish) << "both directions shut";
  EXPECT_EQ(state.finish_reason(), errc::connection_done);
}

TEST(ConnectionState, PeersEndThenOursFinishes) {
  ConnectionState state;
  EXPECT_EQ(state.end_of_input(), Action::none);
  EXPECT_FALSE(state.reading());
  EXPECT_EQ(state.half_close(true), Action::shut_write);
  EXPECT_EQ(state.write_shut(), Action::finish);
}

TEST(ConnectionState, HalfCloseAfterCloseDoesNothing) {
  ConnectionState state;
  state.close(false);
  EXPECT_EQ(state.half_close(true), Action::none);
}

TEST(ConnectionState, PausedReadingIsResumedOnce) {
  ConnectionState state;
  state.pause_reading();
  EXPECT_FALSE(state.reading());
  EXPECT_TRUE(state.resume_reading());
  EXPECT_FALSE(state.resume_reading());
  EXPECT_TRUE(state.reading());
}

TEST(ConnectionState, ABrokenConnectionTakesNoMoreWrites) {
  ConnectionState state;
  state.broke();
  EXPECT_TRUE(state.disconnecting());
  EXPECT_FALSE(state.accepts_writes());
  state.lost();
  EXPECT_TRUE(state.is_lost());
  EXPECT_EQ(state.abort(), Action::none);
}

}  // namespace
}  // namespace kit
