// proto/multi.h: the multi (14) and multiRead (22) records. Pure.
//
//   MultiHeader     := int type, boolean done, int err
//   MultiRequest    := { MultiHeader(type, false, -1) op-record }*
//                      MultiHeader(-1, true, -1)
//     op-record     := CreateRequest (1, 15, 19) | CreateTTLRequest (21)
//                    | DeleteRequest (2) | SetDataRequest (5)
//                    | CheckVersionRequest (13)
//                    | GetChildrenRequest (8) | GetDataRequest (4)  (multiRead)
//   MultiResponse   := { MultiHeader(type, false, err) result-record }*
//                      MultiHeader(-1, true, -1)
//     result-record := CreateResponse (1) | Create2Response (15)
//                    | nothing (2, 13) | SetDataResponse (5)
//                    | GetChildrenResponse (8) | GetDataResponse (4)
//                    | ErrorResponse(int err) (-1)
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "proto/codes.h"
#include "proto/records.h"

namespace cairn::proto {

struct MultiOp {
  OpCode type = OpCode::kError;
  std::variant<CreateRequest, PathVersionRequest, SetDataRequest, PathWatchRequest> body;
};

struct MultiRequest {
  std::vector<MultiOp> ops;
  void Write(JuteWriter& w) const;
  // Fails the reader on a malformed record or an op type that multi does not
  // carry. At most max_ops ops are accepted.
  void Read(JuteReader& r, size_t max_ops = 100000);
};

struct MultiResult {
  OpCode type = OpCode::kError;  // kError for a failed op
  ErrorCode err = ErrorCode::kOk;
  std::string path;              // create, create2
  Stat stat;                     // create2, setData, getData
  std::string data;              // getData
  bool data_null = false;
  std::vector<std::string> children;  // getChildren
};

struct MultiResponse {
  std::vector<MultiResult> results;
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r, size_t max_results = 100000);
};

}  // namespace cairn::proto
