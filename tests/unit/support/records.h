// tests/unit/support/records.h: builders for request records shared by the
// proto unit tests.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "proto/records.h"

namespace cairn::testing {

inline proto::SetDataRequest SetData(std::string path, std::string data, int32_t version) {
  proto::SetDataRequest s;
  s.path = std::move(path);
  s.data = std::move(data);
  s.version = version;
  return s;
}

}  // namespace cairn::testing
