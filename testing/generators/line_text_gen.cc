#include "testing/generators/line_text_gen.h"

#include <utility>

namespace kit::testing::gen {

rc::Gen<std::string> line_text(std::vector<std::string> words) {
  std::vector<std::string> pieces = {"a",   "\n", "\r\n", "\r", "hello", " ", std::string(1, '\0'),
                                     "\xff"};
  pieces.insert(pieces.end(), words.begin(), words.end());
  rc::Gen<std::string> piece = rc::gen::weightedOneOf<std::string>({
      {8, rc::gen::elementOf(std::move(pieces))},
      {1, rc::gen::map(rc::gen::inRange(1, 40), [](int n) { return std::string(n, 'x'); })},
      {1, rc::gen::arbitrary<std::string>()},
  });
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(std::move(piece)),
                      [](const std::vector<std::string>& parts) {
                        std::string text;
                        for (const std::string& part : parts) text += part;
                        return text;
                      });
}

}  // namespace kit::testing::gen
