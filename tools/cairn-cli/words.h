// tools/cairn-cli/words.h: how a command line becomes words and flags, as
// zkCli reads them: words split at spaces; a word that starts with a
// "double" or 'single' quote runs to the matching quote; flags ("-s",
// "-v 3", or several letters at once: "-se") may stand anywhere.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::cli {

// The words of `line`. An unclosed quote starts an ordinary word.
std::vector<std::string> SplitWords(std::string_view line);

struct Flags {
  std::set<char> set;                 // boolean flags given
  std::map<char, std::string> value;  // flags with a value
  std::vector<std::string> positional;
  std::string error;  // unknown flag or missing value; empty if fine
  bool has(char f) const { return set.count(f) > 0 || value.count(f) > 0; }
};

// Parses words[1..] (words[0] is the command): `booleans` are flags without
// a value, `valued` flags take the next word. Flags may stand anywhere, as
// in zkCli; "--" ends them, and a word like "-1" (a negative number) is
// positional.
Flags ParseFlags(const std::vector<std::string>& words, std::string_view booleans,
                 std::string_view valued);

}  // namespace cairn::cli
