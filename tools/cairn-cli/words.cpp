#include "tools/cairn-cli/words.h"

#include <cctype>

namespace cairn::cli {

std::vector<std::string> SplitWords(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : line) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
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
          flags.error = std::string("option -") + f + " needs a value";
        }
        break;
      } else {
        flags.error = "unknown option " + w;
        break;
      }
    }
    if (!flags.error.empty()) break;
  }
  return flags;
}

}  // namespace cairn::cli
