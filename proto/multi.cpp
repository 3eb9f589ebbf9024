#include "proto/multi.h"

namespace cairn::proto {
namespace {

void WriteMultiHeader(JuteWriter& w, int32_t type, bool done, int32_t err) {
  w.Int(type);
  w.Bool(done);
  w.Int(err);
}

}  // namespace

void MultiRequest::Write(JuteWriter& w) const {
  for (const auto& op : ops) {
    WriteMultiHeader(w, static_cast<int32_t>(op.type), false, -1);
    std::visit(
        [&](const auto& body) {
          using T = std::decay_t<decltype(body)>;
          if constexpr (std::is_same_v<T, CreateRequest>) {
            body.Write(w, op.type == OpCode::kCreateTtl);
          } else {
            body.Write(w);
          }
        },
        op.body);
  }
  WriteMultiHeader(w, -1, true, -1);
}

void MultiRequest::Read(JuteReader& r, size_t max_ops) {
  ops.clear();
  while (r.ok()) {
    int32_t type = r.Int();
    bool done = r.Bool();
    r.Int();  // err, unused in requests
    if (!r.ok() || done) return;
    if (ops.size() >= max_ops) return r.Fail();
    MultiOp op;
    op.type = static_cast<OpCode>(type);
    switch (op.type) {
      case OpCode::kCreate:
      case OpCode::kCreate2:
      case OpCode::kCreateContainer:
      case OpCode::kCreateTtl: {
        CreateRequest c;
        c.Read(r, op.type == OpCode::kCreateTtl);
        op.body = std::move(c);
        break;
      }
      case OpCode::kDelete:
      case OpCode::kCheck: {
        PathVersionRequest d;
        d.Read(r);
        op.body = std::move(d);
        break;
      }
      case OpCode::kSetData: {
        SetDataRequest s;
        s.Read(r);
        op.body = std::move(s);
        break;
      }
      case OpCode::kGetChildren:
      case OpCode::kGetData: {
        PathWatchRequest g;
        g.Read(r);
        op.body = std::move(g);
        break;
      }
      default:
        return r.Fail();
    }
    ops.push_back(std::move(op));
  }
}

void MultiResponse::Write(JuteWriter& w) const {
  for (const auto& res : results) {
    int32_t err = res.type == OpCode::kError ? static_cast<int32_t>(res.err) : 0;
    WriteMultiHeader(w, static_cast<int32_t>(res.type), false, err);
    switch (res.type) {
      case OpCode::kCreate:
        w.String(res.path);
        break;
      case OpCode::kCreate2:
        w.String(res.path);
        res.stat.Write(w);
        break;
      case OpCode::kSetData:
        res.stat.Write(w);
        break;
      case OpCode::kGetData:
        if (res.data_null) {
          w.NullBuffer();
        } else {
          w.Buffer(res.data);
        }
        res.stat.Write(w);
        break;
      case OpCode::kGetChildren:
        WriteStrings(w, res.children);
        break;
      case OpCode::kError:
        w.Int(static_cast<int32_t>(res.err));
        break;
      default:  // delete, check: no body
        break;
    }
  }
  WriteMultiHeader(w, -1, true, -1);
}

void MultiResponse::Read(JuteReader& r, size_t max_results) {
  results.clear();
  while (r.ok()) {
    int32_t type = r.Int();
    bool done = r.Bool();
    int32_t err = r.Int();
    if (!r.ok() || done) return;
    if (results.size() >= max_results) return r.Fail();
    MultiResult res;
    res.type = static_cast<OpCode>(type);
    res.err = static_cast<ErrorCode>(err);
    switch (res.type) {
      case OpCode::kCreate:
        res.path = r.String();
        break;
      case OpCode::kCreate2:
        res.path = r.String();
        res.stat.Read(r);
        break;
      case OpCode::kSetData:
        res.stat.Read(r);
        break;
      case OpCode::kGetData:
        res.data = r.Buffer(&res.data_null);
        res.stat.Read(r);
        break;
      case OpCode::kGetChildren:
        res.children = ReadStrings(r);
        break;
      case OpCode::kError:
        res.err = static_cast<ErrorCode>(r.Int());
        break;
      case OpCode::kDelete:
      case OpCode::kCheck:
        break;
      default:
        return r.Fail();
    }
    results.push_back(std::move(res));
  }
}

}  // namespace cairn::proto
