// UTF-8 validation helpers shared by the log writer, the framers and the parsers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace specwatch {

// Length of the well-formed UTF-8 sequence at the start of `text` (1 to 4), or 0 if it is not
// well-formed (overlong forms, surrogates and code points above U+10FFFF are rejected).
std::size_t utf8_sequence_length(std::string_view text);

// True if the whole text is well-formed UTF-8. Fast path for ASCII.
bool is_valid_utf8(std::string_view text);

// True if every byte of `text` is ASCII (below 0x80): then any part of it is valid UTF-8.
bool is_ascii(std::string_view text);

// Replaces every ill-formed byte by U+FFFD. Returns the number of replacements made.
std::size_t sanitize_utf8(std::string& text);

}  // namespace specwatch
