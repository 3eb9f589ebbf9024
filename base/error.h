// base/error.h: Cairn's one operational error type and Result<T>.
// Pure value types, usable from any thread.
//
// Protocol outcomes (NoNode, BadVersion...) are NOT Errors: they are
// proto::ErrorCode values. An Error is an operational failure: bad config,
// IO failure, corrupt record, malformed frame. Its message names the file,
// line or offset so that an operator can act on it.
#pragma once

#include <boost/outcome.hpp>
#include <string>
#include <utility>

namespace cairn {

enum class ErrorKind {
  kInvalidArgument,  // bad config value, bad command line
  kCorruption,       // a record or frame that does not decode
  kIo,               // the OS said no
  kNotFound,
  kLimit,            // a bound was exceeded (frame size, queue, connections)
};

const char* ErrorKindName(ErrorKind kind);

class Error {
 public:
  Error() = default;
  Error(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  // "<kind>: <message>", for logs.
  std::string ToString() const;

 private:
  ErrorKind kind_ = ErrorKind::kInvalidArgument;
  std::string message_;
};

// Accessing the value of a Result that holds an Error terminates the process:
// that is a programming error, never a recoverable condition.
template <typename T>
using Result = boost::outcome_v2::result<T, Error, boost::outcome_v2::policy::terminate>;

inline Error InvalidArgument(std::string message) {
  return Error(ErrorKind::kInvalidArgument, std::move(message));
}
inline Error Corruption(std::string message) {
  return Error(ErrorKind::kCorruption, std::move(message));
}
inline Error IoError(std::string message) { return Error(ErrorKind::kIo, std::move(message)); }

}  // namespace cairn
