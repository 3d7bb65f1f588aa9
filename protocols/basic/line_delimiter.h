// LineDelimiter: how the lines of a line-based protocol end, received and sent.
//
// Three common choices, and any other byte string:
//
//   crlf()         lines end in "\r\n" exactly (Twisted's default); a lone "\n" is data.
//   lf()           lines end in "\n"; a "\r" before it stays part of the line.
//   lf_strip_cr()  lines end in "\n", and one "\r" right before it is removed: what text
//                  protocols accept from both Unix and telnet-style clients. Lines sent
//                  end in "\r\n".
//   custom(d)      lines end in the byte string d (at least one byte).
//
// Besides naming the bytes, it knows the two rules every receiver of lines needs: where
// the next delimiter ends (find_end) and, for a line whose end has not arrived yet, how
// short it can still turn out to be (min_length) -- so that "longer than the maximum" is
// decided the same way whatever the chunking of the input.
//
// Thread safety: a value type.
#ifndef KIT_PROTOCOLS_BASIC_LINE_DELIMITER_H_
#define KIT_PROTOCOLS_BASIC_LINE_DELIMITER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace kit::protocols {

class LineDelimiter {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  static LineDelimiter crlf();
  static LineDelimiter lf();
  static LineDelimiter lf_strip_cr();
  // custom: lines end in `ends` and are sent with `sends` (by default `ends`). Throws
  // std::invalid_argument when `ends` is empty.
  static LineDelimiter custom(std::string_view ends);
  static LineDelimiter custom(std::string_view ends, std::string_view sends);

  // ends: the bytes that end a received line. sends: what send_line() appends.
  std::string_view ends() const noexcept { return ends_; }
  std::string_view sends() const noexcept { return sends_; }
  // strips_cr: a "\r" right before the delimiter is removed from the line.
  bool strips_cr() const noexcept { return strip_cr_; }

  // find_end: the offset in `in` just past the first delimiter that ends at or after
  // in[from], or npos. The delimiter may begin in `before`, the bytes that came just
  // before `in` (only its last ends().size() - 1 bytes matter).
  std::size_t find_end(std::string_view before, std::string_view in, std::size_t from = 0) const;

  // min_length: the shortest the line can still be, given `partial`, its first bytes,
  // with no delimiter among them: its trailing bytes may yet turn out to be the start of
  // the delimiter (or, with strips_cr(), the "\r" before it).
  std::size_t min_length(std::string_view partial) const noexcept;

  // line_of: the line that `raw` (the bytes before a delimiter) stands for: `raw` less a
  // trailing "\r" when strips_cr().
  std::string_view line_of(std::string_view raw) const noexcept {
    if (strip_cr_ && !raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    return raw;
  }

  friend bool operator==(const LineDelimiter&, const LineDelimiter&) = default;

 private:
  LineDelimiter(std::string_view ends, std::string_view sends, bool strip_cr);

  std::string ends_;
  std::string sends_;
  bool strip_cr_ = false;
};

}  // namespace kit::protocols

#endif  // KIT_PROTOCOLS_BASIC_LINE_DELIMITER_H_
