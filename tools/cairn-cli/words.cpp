#include "tools/cairn-cli/words.h"

#include <cctype>

namespace cairn::cli {

std::vector<std::string> SplitWords(std::string_view line) {
  // zkCli's rule: a word that starts with a quote runs to the matching quote
  // (which is dropped); any other word runs to the next space, quotes and
  // all, so JSON data keeps its quotes.
  std::vector<std::string> words;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  size_t i = 0;
  while (i < line.size()) {
    if (space(line[i])) {
      ++i;
      continue;
    }
    char quote = line[i];
    if (quote == '"' || quote == '\'') {
      size_t close = line.find(quote, i + 1);
      if (close != std::string_view::npos) {
        words.emplace_back(line.substr(i + 1, close - i - 1));
        i = close + 1;
        continue;
      }
    }
    size_t end = i;
    while (end < line.size() && !space(line[end])) ++end;
    words.emplace_back(line.substr(i, end - i));
    i = end;
  }
  return words;
}

Flags ParseFlags(const std::vector<std::string>& words, std::string_view booleans,
                 std::string_view valued) {
  Flags flags;
  bool flags_done = false;
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (flags_done || w.size() < 2 || w[0] != '-' ||
        std::isdigit(static_cast<unsigned char>(w[1]))) {
      flags.positional.push_back(w);
      continue;
    }
    if (w == "--") {
      flags_done = true;
      continue;
    }
    for (size_t j = 1; j < w.size(); ++j) {
      char f = w[j];
      if (booleans.find(f) != std::string_view::npos) {
        flags.set.insert(f);
      } else if (valued.find(f) != std::string_view::npos) {
        // The value is the rest of this word ("-v3") or the next word.
        if (j + 1 < w.size()) {
          flags.value[f] = w.substr(j + 1);
        } else if (i + 1 < words.size()) {
          flags.value[f] = words[++i];
        } else {
          flags.error = std::string("Missing argument for option: ") + f;
        }
        break;
      } else {
        flags.error = "Unrecognized option: " + w;
        break;
      }
    }
    if (!flags.error.empty()) break;
  }
  return flags;
}

}  // namespace cairn::cli
