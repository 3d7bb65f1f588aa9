#include "testing/transcript/transcript_gen.h"

#include <cstdint>
#include <optional>
#include <set>
#include <utility>

namespace kit::testing::transcript::gen {
namespace {

// One thing a session may do next, before the rules decide whether it can.
struct Step {
  int kind = 0;  // 0 data, 1 close, 2 clock read, 3 random draw
  std::int64_t delay = 0;
  Side side = Side::peer;
  CloseKind how = CloseKind::fin;
  std::string bytes;
};

rc::Gen<std::int64_t> delays() {
  return rc::gen::weightedOneOf<std::int64_t>({
      {3, rc::gen::just<std::int64_t>(0)},
      {3, rc::gen::inRange<std::int64_t>(0, 1000)},
      {1, rc::gen::inRange<std::int64_t>(0, 5'000'000'000)},
  });
}

rc::Gen<Step> steps() {
  return rc::gen::build<Step>(
      rc::gen::set(&Step::kind, rc::gen::weightedElement<int>({{6, 0}, {1, 1}, {2, 2}, {2, 3}})),
      rc::gen::set(&Step::delay, delays()),
      rc::gen::set(&Step::side, rc::gen::element(Side::host, Side::peer)),
      rc::gen::set(&Step::how,
                   rc::gen::element(CloseKind::fin, CloseKind::reset, CloseKind::abort)),
      rc::gen::set(&Step::bytes, bytes()));
}

rc::Gen<std::string> addresses() {
  return rc::gen::oneOf(rc::gen::element<std::string>("tcp:127.0.0.1:8000", "tcp:[::1]:443",
                                                      "unix:/tmp/x.sock", "memory:a", "none"),
                        rc::gen::container<std::string>(rc::gen::arbitrary<char>()));
}

rc::Gen<Meta> metas() {
  return rc::gen::weightedOneOf<Meta>(
      {{3, rc::gen::just(Meta{})},
       {1, rc::gen::container<Meta>(rc::gen::container<std::string>(rc::gen::arbitrary<char>()),
                                    rc::gen::container<std::string>(rc::gen::arbitrary<char>()))}});
}

// The events `steps` make for session `start`, skipping what the rules forbid: data from a
// side that closed, a second close of a side unless a fin turns into a reset or abort.
std::vector<Event> play(SessionStart start, const std::vector<Step>& steps, bool end) {
  const SessionId id = start.session;
  std::vector<Event> events{std::move(start)};
  Duration t{0};
  std::optional<CloseKind> closed[2];
  for (const Step& step : steps) {
    t += Duration{step.delay};
    auto& side_closed = closed[static_cast<int>(step.side)];
    switch (step.kind) {
      case 0:
        if (!side_closed) events.push_back(Data{id, t, step.side, step.bytes});
        break;
      case 1:
        if (!side_closed || (*side_closed == CloseKind::fin && step.how != CloseKind::fin)) {
          side_closed = step.how;
          events.push_back(Close{id, t, step.side, step.how});
        }
        break;
      case 2:
        events.push_back(ClockRead{id, t});
        break;
      default:
        events.push_back(RandomDraw{id, t, step.bytes});
    }
  }
  if (end) events.push_back(SessionEnd{id, t});
  return events;
}

}  // namespace

rc::Gen<std::string> bytes() {
  const auto any = rc::gen::container<std::string>(rc::gen::arbitrary<char>());
  const auto text = rc::gen::container<std::string>(
      rc::gen::weightedOneOf<char>({{20, rc::gen::inRange<char>(0x20, 0x7f)},
                                    {2, rc::gen::element('\r', '\n', '\t')},
                                    {1, rc::gen::arbitrary<char>()}}));
  return rc::gen::weightedOneOf<std::string>(
      {{1, rc::gen::just(std::string())}, {3, text}, {3, any}});
}

rc::Gen<std::vector<Event>> session(SessionId id) {
  const auto starts = rc::gen::build<SessionStart>(
      rc::gen::set(&SessionStart::session, rc::gen::just(id)),
      rc::gen::set(&SessionStart::start,
                   rc::gen::map(rc::gen::inRange<std::int64_t>(0, 1'000'000'000'000),
                                [](std::int64_t n) { return Duration{n}; })),
      rc::gen::set(&SessionStart::role, rc::gen::element(Role::server, Role::client)),
      rc::gen::set(&SessionStart::host, addresses()),
      rc::gen::set(&SessionStart::peer, addresses()), rc::gen::set(&SessionStart::meta, metas()));
  return rc::gen::apply([](SessionStart start, std::vector<Step> steps,
                           bool end) { return play(std::move(start), steps, end); },
                        starts, rc::gen::container<std::vector<Step>>(steps()),
                        rc::gen::arbitrary<bool>());
}

rc::Gen<std::vector<Event>> sessions(std::size_t max_sessions) {
  return rc::gen::mapcat(rc::gen::container<std::set<SessionId>>(rc::gen::arbitrary<SessionId>()),
                         [max_sessions](std::set<SessionId> ids) {
                           std::vector<rc::Gen<std::vector<Event>>> each;
                           for (const SessionId id : ids) {
                             if (each.size() == max_sessions) break;
                             each.push_back(session(id));
                           }
                           // Draw the sessions, then a pick per event: which unfinished session
                           // goes next.
                           return rc::gen::mapcat(
                               rc::gen::exec([each] {
                                 std::vector<std::vector<Event>> drawn;
                                 for (const auto& g : each) drawn.push_back(*g);
                                 return drawn;
                               }),
                               [](std::vector<std::vector<Event>> drawn) {
                                 std::size_t total = 0;
                                 for (const auto& s : drawn) total += s.size();
                                 return rc::gen::map(
                                     rc::gen::container<std::vector<std::size_t>>(
                                         total, rc::gen::arbitrary<std::size_t>()),
                                     [drawn](const std::vector<std::size_t>& picks) {
                                       std::vector<std::size_t> next(drawn.size(), 0);
                                       std::vector<Event> events;
                                       for (const std::size_t pick : picks) {
                                         std::vector<std::size_t> open;
                                         for (std::size_t i = 0; i < drawn.size(); ++i) {
                                           if (next[i] < drawn[i].size()) open.push_back(i);
                                         }
                                         const std::size_t i = open[pick % open.size()];
                                         events.push_back(drawn[i][next[i]++]);
                                       }
                                       return events;
                                     });
                               });
                         });
}

}  // namespace kit::testing::transcript::gen
