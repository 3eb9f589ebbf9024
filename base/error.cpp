#include "base/error.h"

namespace cairn {

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return "invalid argument";
    case ErrorKind::kCorruption: return "corruption";
    case ErrorKind::kIo: return "io error";
    case ErrorKind::kNotFound: return "not found";
    case ErrorKind::kLimit: return "limit exceeded";
  }
  return "unknown";
}

std::string Error::ToString() const { return std::string(ErrorKindName(kind_)) + ": " + message_; }

}  // namespace cairn
