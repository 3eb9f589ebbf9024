// Checks Crc32c against published CRC-32C vectors and shows that continuing
// a checksum across any split of the input equals computing it in one shot.
#include "base/crc32c.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

using cairn::Crc32c;

TEST_CASE("Crc32c: matches the standard check value for \"123456789\"", "[base]") {
  CHECK(Crc32c("123456789") == 0xe3069283u);
}

TEST_CASE("Crc32c: matches the RFC 3720 (iSCSI) test vectors", "[base]") {
  std::string zeros(32, '\0');
  std::string ones(32, '\xff');
  std::string up, down;
  for (int i = 0; i < 32; ++i) {
    up.push_back(static_cast<char>(i));
    down.push_back(static_cast<char>(31 - i));
  }
  CHECK(Crc32c(zeros) == 0x8a9136aau);
  CHECK(Crc32c(ones) == 0x62a8ab43u);
  CHECK(Crc32c(up) == 0x46dd794eu);
  CHECK(Crc32c(down) == 0x113fdb5cu);
}

TEST_CASE("Crc32c: empty input gives 0 and continuing with it changes nothing", "[base]") {
  CHECK(Crc32c("") == 0u);
  CHECK(Crc32c("", 0) == 0u);
  uint32_t c = Crc32c("123456789");
  CHECK(Crc32c("", c) == c);
}

TEST_CASE("Crc32c: continuing across every split point equals the one-shot checksum", "[base]") {
  std::string data;
  for (int i = 0; i < 300; ++i) data.push_back(static_cast<char>((i * 131 + 7) & 0xff));
  const uint32_t whole = Crc32c(data);
  for (size_t cut = 0; cut <= data.size(); ++cut) {
    INFO("cut at " << cut);
    CHECK(Crc32c(data.substr(cut), Crc32c(data.substr(0, cut))) == whole);
  }
  // Three pieces, and byte-at-a-time.
  for (size_t a = 0; a <= data.size(); a += 37) {
    for (size_t b = a; b <= data.size(); b += 53) {
      INFO("cuts at " << a << " and " << b);
      uint32_t c = Crc32c(data.substr(0, a));
      c = Crc32c(data.substr(a, b - a), c);
      c = Crc32c(data.substr(b), c);
      CHECK(c == whole);
    }
  }
  uint32_t bytewise = 0;
  for (char ch : data) bytewise = Crc32c(std::string_view(&ch, 1), bytewise);
  CHECK(bytewise == whole);
}

TEST_CASE("Crc32c: a single flipped bit changes the checksum", "[base]") {
  std::string data = "123456789";
  const uint32_t good = Crc32c(data);
  for (size_t i = 0; i < data.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = data;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      CHECK(Crc32c(bad) != good);
    }
  }
}

TEST_CASE("Crc32c: the hardware and the portable paths agree", "[base]") {
  std::string data;
  for (int i = 0; i < 300; ++i) data.push_back(static_cast<char>(i * 37 + 11));
  for (size_t n = 0; n <= data.size(); n += 7) {
    std::string_view part(data.data(), n);
    CHECK(Crc32c(part) == cairn::Crc32cPortable(part));
    CHECK(Crc32c(part, 0x12345678u) == cairn::Crc32cPortable(part, 0x12345678u));
  }
}
