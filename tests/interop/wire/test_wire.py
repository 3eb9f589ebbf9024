"""Wire-level behaviour of the client port, pinned against Apache ZooKeeper 3.8.

Every assertion here was observed on the reference server; see FINDINGS.md.
Run:  CAIRN_TEST_HOSTS=127.0.0.1:22181 python3 -m pytest -q tests/interop/wire

The reference may be shared with other test runs, so zxid assertions are
relative (">", ">=") and global counters are never compared exactly.
"""

import os
import re
import socket
import struct

import pytest

import zkwire
from zkwire import (ACL, CREATOR_ALL_ACL, OPEN_ACL_UNSAFE, Err, EventType,
                    Flags, Op, Perm, State, Timeout, Writer, Xid, check_body,
                    create_body, create_ttl_body, decode_acl, decode_children,
                    decode_children2, decode_create2, decode_get_data, decode_int,
                    decode_multi, decode_stat, decode_string, decode_who_am_i,
                    delete_body, digest_id, exists_body, get_children_body,
                    get_data_body, path_body, set_data_body)

MULTI_TERMINATOR = b"\xff\xff\xff\xff\x01\xff\xff\xff\xff"
ZERO_CONNECT_RESPONSE = b"\x00" * 16 + b"\x00\x00\x00\x10" + b"\x00" * 16 + b"\x00"


# --------------------------------------------------------------------------
# models of Java behaviour that leaks onto the wire


def java_string_hash(s):
    h = 0
    for unit in s.encode("utf-16-be", "surrogatepass").decode("utf-16-be", "surrogatepass"):
        h = (31 * h + ord(unit)) & 0xFFFFFFFF
    return h


def java_hashset_order(inserted, initial_capacity=8):
    """Iteration order of a java.util.HashSet<String> after adding `inserted`
    in that order (a znode's children set starts with capacity 8)."""
    s = JavaHashSet(initial_capacity)
    for n in inserted:
        s.add(n)
    return s.order()


class JavaHashSet:
    """java.util.HashSet<String>: buckets by (h ^ h>>>16) & (cap-1), chains
    in insertion order, capacity doubles when size exceeds 0.75*cap and
    never shrinks."""

    def __init__(self, cap=8):
        self.cap = cap
        self.items = []

    def add(self, k):
        if k in self.items:
            return
        self.items.append(k)
        if len(self.items) > self.cap * 3 // 4:
            self.cap *= 2

    def remove(self, k):
        self.items.remove(k)

    def order(self):
        def bucket(k):
            h = java_string_hash(k)
            return (h ^ (h >> 16)) & (self.cap - 1)
        pos = {k: i for i, k in enumerate(self.items)}
        return sorted(self.items, key=lambda k: (bucket(k), pos[k]))


def chm_order(ids):
    """Iteration order of a ConcurrentHashMap-backed Set<Id> (16 bins) for
    Ids added in the given order; Id.hashCode is jute's
    37*(37*17 + scheme.hashCode()) + id.hashCode()."""
    def bucket(i):
        h = 17
        h = (37 * h + java_string_hash(i[0])) & 0xFFFFFFFF
        h = (37 * h + java_string_hash(i[1])) & 0xFFFFFFFF
        return ((h ^ (h >> 16)) & 0x7FFFFFFF) & 15
    pos = {v: n for n, v in enumerate(ids)}
    return sorted(ids, key=lambda i: (bucket(i), pos[i]))


def java_random_bytes(seed, n):
    """java.util.Random(seed).nextBytes(new byte[n])."""
    mask = (1 << 48) - 1
    s = (seed ^ 0x5DEECE66D) & mask
    out = bytearray()
    while len(out) < n:
        s = (s * 0x5DEECE66D + 0xB) & mask
        r = s >> 16
        for _ in range(min(4, n - len(out))):
            out.append(r & 0xFF)
            r >>= 8
    return bytes(out)


def drain(conn, per_event=0.4, limit=50):
    """All watch events that arrive until `per_event` seconds pass quietly."""
    evs = list(conn.events)
    conn.events.clear()
    for _ in range(limit):
        try:
            evs.append(conn.next_event(per_event))
        except Timeout:
            break
    return evs


def keys(evs):
    return [(e.type, e.path) for e in evs]


def ustr(s):
    return Writer().ustring(s).bytes()


def ping_zxid(c):
    return c.ping().zxid


# --------------------------------------------------------------------------
# handshake and sessions


def test_connect_response_layout(zk, java_internals):
    c = zk.raw()
    r = c.connect(timeout_ms=30000)
    assert len(r.raw) == 37
    assert r.protocol_version == 0
    assert r.timeout == 30000
    assert r.session_id >> 56 == 1  # server id 1 in the top byte (standalone)
    assert r.raw[16:20] == b"\x00\x00\x00\x10"
    assert len(r.passwd) == 16
    # password = java.util.Random(sessionId ^ 0xB3415C00).nextBytes(16)
    if java_internals:
        assert r.passwd == java_random_bytes(r.session_id ^ 0xB3415C00, 16)
    else:  # Cairn: 16 bytes from a CSPRNG, so two sessions never share one
        assert r.passwd != zk.raw().connect(timeout_ms=30000).passwd
    assert r.read_only is False and r.raw[-1:] == b"\x00"
    assert r.trailing == b""


def test_connect_without_readonly_byte(zk):
    c = zk.raw()
    r = c.connect(send_read_only=False)
    assert len(r.raw) == 36  # readOnly byte omitted for "old" clients
    assert r.read_only is None
    assert r.timeout == 30000 and len(r.passwd) == 16
    assert c.ping().err == 0


def test_connect_readonly_requested_on_rw_server(zk):
    c = zk.raw()
    r = c.connect(read_only=True)
    assert len(r.raw) == 37 and r.read_only is False


def test_connect_extra_bytes_ignored_and_protocol_version(zk):
    c = zk.raw()
    c.send_frame(Writer().int(7).long(0).int(30000).long(0).buffer(b"\0" * 16)
                 .bool(False).raw(b"\xde\xad\xbe\xef").bytes())
    r = zkwire.ConnectResponse(c.recv_frame())
    assert r.protocol_version == 0 and r.timeout == 30000 and r.session_id != 0
    assert c.ping().err == 0


@pytest.mark.parametrize("req,neg", [(1, 4000), (0, 4000), (-5, 4000), (3999, 4000),
                                     (4000, 4000), (4001, 4001), (39999, 39999),
                                     (40000, 40000), (40001, 40000), (10 ** 7, 40000)])
def test_negotiated_timeout_clamped(zk, req, neg):
    c = zk.raw()
    assert c.connect(timeout_ms=req).timeout == neg  # [2*tickTime, 20*tickTime]


def test_reconnect_with_password_same_session_old_connection_closed(zk):
    c = zk.connect()
    sid, pw = c.session.session_id, c.session.passwd
    c2 = zk.raw()
    r2 = c2.connect(session_id=sid, passwd=pw)
    assert r2.raw == c.session.raw  # identical bytes: same id, timeout, password
    closed, frames = c.wait_closed(2.0)
    assert closed and frames == []
    assert c2.ping().err == 0
    c3 = zk.raw()
    r3 = c3.connect(session_id=sid, passwd=pw, timeout_ms=10000)
    assert (r3.session_id, r3.timeout, r3.passwd) == (sid, 10000, pw)
    assert c3.ping().err == 0


def test_reconnect_wrong_password(zk):
    c = zk.connect()
    sid, pw = c.session.session_id, c.session.passwd
    for bad in (b"\x01" * 16, b"short"):
        w = zk.raw()
        r = w.connect(session_id=sid, passwd=bad)
        assert r.raw == ZERO_CONNECT_RESPONSE  # timeout 0, id 0, 16 zero bytes, ro false
        assert w.wait_closed(2.0) == (True, [])
    # the attempt also closed the session's live connection ...
    assert c.wait_closed(2.0)[0]
    # ... but the session itself survives
    c2 = zk.raw()
    assert c2.connect(session_id=sid, passwd=pw).session_id == sid
    assert c2.ping().err == 0


def test_unknown_session_id(zk):
    c = zk.raw()
    r = c.connect(session_id=0x0123456789AB, passwd=b"\0" * 16)
    assert r.raw == ZERO_CONNECT_RESPONSE
    assert c.wait_closed(2.0) == (True, [])


def test_last_zxid_ahead_closed_without_reply(zk):
    other = zk.connect()
    z = ping_zxid(other)
    c = zk.raw()
    c.connect(last_zxid=z + 10 ** 9, wait=False)
    assert c.wait_closed(3.0) == (True, [])
    ok = zk.raw()
    assert ok.connect(last_zxid=z).session_id != 0


def test_new_session_consumes_zxid(zk):
    a = zk.connect()
    z1 = ping_zxid(a)
    zk.connect()
    assert ping_zxid(a) > z1  # createSession is a txn


def test_ping_reply(zk, base):
    c = zk.connect()
    w = c.create(base + "/n")
    r = c.ping()
    assert (r.xid, r.err, r.body) == (-2, 0, b"")
    assert r.zxid >= w.zxid
    # the reply to a ping always carries xid -2, whatever xid was sent
    c.send_request(Op.PING, b"", xid=5)
    r = c.recv_reply()
    assert r.xid == -2 and r.err == 0 and r.body == b""
    # the server does not validate a ping's body
    c.send_frame(struct.pack(">ii", -2, Op.PING) + b"junk")
    assert c.recv_reply().xid == -2


def test_xids_echoed_verbatim(zk):
    c = zk.connect()
    for x in (0, -1, -2, 0x7FFFFFFF):
        c.send_request(Op.GET_DATA, get_data_body("/"), xid=x)
        r = c.recv_reply()
        assert r.xid == x and r.err == 0 and len(r.body) == 4 + zkwire.STAT_SIZE


def test_pipelined_requests_answered_in_order(zk, base):
    c = zk.connect()
    frames = b""
    xids = []
    for i in range(20):
        x = 100 + i
        xids.append(x)
        if i % 3 == 0:
            body = struct.pack(">ii", x, Op.CREATE) + create_body("%s/p%d" % (base, i))
        elif i % 3 == 1:
            body = struct.pack(">ii", x, Op.GET_DATA) + get_data_body(base)
        else:
            body = struct.pack(">ii", x, Op.EXISTS) + exists_body(base + "/nope")
        frames += struct.pack(">i", len(body)) + body
    c.send_raw(frames)
    got = [c.recv_reply() for _ in xids]
    assert [r.xid for r in got] == xids
    zx = [r.zxid for r in got]
    assert zx == sorted(zx)


def test_close_session(zk, base):
    c = zk.connect()
    sid, pw = c.session.session_id, c.session.passwd
    before = ping_zxid(c)
    x = c.send_request(Op.CLOSE_SESSION)
    x2 = c.send_request(Op.GET_DATA, get_data_body("/"))  # pipelined behind the close
    r = c.recv_reply()
    assert r.raw == struct.pack(">iqi", x, r.zxid, 0)  # no body
    assert r.zxid > before  # closeSession is a txn
    closed, frames = c.wait_closed(2.0)
    assert closed
    # racy on the reference: the pipelined request is either dropped or
    # answered SessionExpired (no body) just before the close
    assert frames in ([], [struct.pack(">iqi", x2, r.zxid, Err.SESSIONEXPIRED)]), frames
    again = zk.raw()
    assert again.connect(session_id=sid, passwd=pw).raw == ZERO_CONNECT_RESPONSE
    assert again.wait_closed(2.0)[0]


def test_ephemerals_deleted_on_close_and_watch_fires(zk, base):
    owner = zk.connect()
    watcher = zk.connect()
    owner.create(base + "/e1", flags=Flags.EPHEMERAL)
    owner.create(base + "/e2-", flags=Flags.EPHEMERAL_SEQUENTIAL)
    owner.create(base + "/keep")
    assert watcher.exists(base + "/e1", watch=True).err == 0
    assert watcher.get_children(base, watch=True).err == 0
    r = owner.close_session()
    assert r.err == 0
    evs = drain(watcher)
    # one NodeDeleted for the watched node, one (one-shot) NodeChildrenChanged
    # for the parent; their relative order follows the server's hash order of
    # the session's ephemeral paths
    assert sorted(keys(evs)) == [(EventType.NODE_DELETED, base + "/e1"),
                                 (EventType.NODE_CHILDREN_CHANGED, base)]
    assert all(e.state == State.SYNC_CONNECTED and e.zxid == -1 for e in evs)
    assert decode_children(watcher.get_children(base).body) == ["keep"]
    st = decode_stat(watcher.exists(base).body)
    assert st.pzxid == r.zxid and st.numChildren == 1


# --------------------------------------------------------------------------
# request dispatch oddities


def test_unknown_opcode_reply_then_connection_closed(zk):
    c = zk.connect()
    sid, pw = c.session.session_id, c.session.passwd
    other = zk.connect()
    x = c.send_request(999)
    r = c.recv_reply()
    assert (r.xid, r.zxid, r.err, r.body) == (x, -1, Err.UNIMPLEMENTED, b"")
    assert c.wait_closed(2.0) == (True, [])
    assert other.ping().err == 0
    # only the connection went away; the session can be resumed
    c2 = zk.raw()
    assert c2.connect(session_id=sid, passwd=pw).session_id == sid
    assert c2.ping().err == 0


def test_check_outside_multi_errors(zk, base):
    c = zk.connect()
    c.create(base + "/n", b"x")
    before = ping_zxid(c)
    r = c.call(Op.CHECK, check_body(base + "/n", 5))
    assert (r.err, r.body) == (Err.BADVERSION, b"")
    assert r.zxid > before  # an error txn still consumes a zxid
    r2 = c.call(Op.CHECK, check_body(base + "/missing", 0))
    assert (r2.err, r2.body) == (Err.NONODE, b"")
    assert r2.zxid > r.zxid
    r3 = c.call(Op.CHECK, check_body("bad", 0))
    assert (r3.err, r3.body) == (Err.BADARGUMENTS, b"")
    assert c.ping().err == 0


@pytest.mark.skipif(os.environ.get("ZKWIRE_UNSAFE") != "1",
                    reason="a successful standalone check writes a txn type ZooKeeper 3.8 "
                           "cannot replay; set ZKWIRE_UNSAFE=1 on a throw-away server")
def test_check_outside_multi_success_gets_no_reply(zk, base):
    c = zk.connect()
    c.create(base + "/n", b"x")
    c.send_request(Op.CHECK, check_body(base + "/n", 0))
    with pytest.raises(Timeout):
        c.recv_reply(1.5)
    assert c.ping().err == 0  # the connection stays usable


# --------------------------------------------------------------------------
# multi / multiRead


def test_multi_success(zk, base):
    c = zk.connect()
    a, b = base + "/a", base + "/b"
    r = c.multi([(Op.CREATE, create_body(a, b"1")),
                 (Op.CREATE2, create_body(b, b"22")),
                 (Op.SET_DATA, set_data_body(a, b"xyz")),
                 (Op.CHECK, check_body(a, 1)),
                 (Op.DELETE, delete_body(b))])
    assert r.err == 0
    assert r.body.endswith(MULTI_TERMINATOR)
    res, term = decode_multi(r.body)
    assert term == (-1, True, -1)
    # create2 inside multi answers as a plain create: type 1, path only
    assert [(x.type, x.done, x.err) for x in res] == [
        (Op.CREATE, False, 0), (Op.CREATE, False, 0), (Op.SET_DATA, False, 0),
        (Op.CHECK, False, 0), (Op.DELETE, False, 0)]
    assert res[0].body == ustr(a) and res[1].body == ustr(b)
    assert res[3].body == b"" and res[4].body == b""
    st = res[2].value
    assert len(res[2].body) == zkwire.STAT_SIZE
    assert st.czxid == st.mzxid == st.pzxid == r.zxid  # every op shares the txn's zxid
    assert (st.version, st.dataLength) == (1, 3)
    data, st2 = decode_get_data(c.get_data(a).body)
    assert data == b"xyz" and st2 == st
    assert c.exists(b).err == Err.NONODE


def test_multi_second_of_three_fails(zk, base):
    c = zk.connect()
    c.create(base + "/a", b"orig")
    before = ping_zxid(c)
    r = c.multi([(Op.CREATE, create_body(base + "/c")),
                 (Op.CREATE, create_body(base + "/a")),
                 (Op.SET_DATA, set_data_body(base + "/a", b"q"))])
    assert r.err == 0  # the header does NOT carry the failure
    assert r.zxid > before  # the aborted multi still consumed a zxid
    res, term = decode_multi(r.body)
    assert term == (-1, True, -1)
    assert [(x.type, x.done, x.err) for x in res] == [
        (Op.ERROR, False, 0), (Op.ERROR, False, Err.NODEEXISTS),
        (Op.ERROR, False, Err.RUNTIMEINCONSISTENCY)]
    # each result body is an ErrorResponse repeating the code
    assert [x.body for x in res] == [struct.pack(">i", 0), struct.pack(">i", -110),
                                     struct.pack(">i", -2)]
    assert r.body == (struct.pack(">i?i", -1, False, 0) + struct.pack(">i", 0)
                      + struct.pack(">i?i", -1, False, -110) + struct.pack(">i", -110)
                      + struct.pack(">i?i", -1, False, -2) + struct.pack(">i", -2)
                      + MULTI_TERMINATOR)
    assert c.exists(base + "/c").err == Err.NONODE  # rolled back
    assert decode_get_data(c.get_data(base + "/a").body)[0] == b"orig"


def test_multi_first_op_fails(zk, base):
    c = zk.connect()
    c.create(base + "/a")
    r = c.multi([(Op.CHECK, check_body(base + "/a", 3)),
                 (Op.DELETE, delete_body(base + "/nope"))])
    assert r.err == 0
    res, _ = decode_multi(r.body)
    assert [(x.type, x.err) for x in res] == [(Op.ERROR, Err.BADVERSION),
                                              (Op.ERROR, Err.RUNTIMEINCONSISTENCY)]
    r = c.multi([(Op.CREATE, create_body(base + "/e")), (Op.CREATE, create_body(base + "/e/f")),
                 (Op.DELETE, delete_body(base + "/e"))])
    res, _ = decode_multi(r.body)
    assert [x.err for x in res] == [0, 0, Err.NOTEMPTY]
    r = c.multi([(Op.CREATE, create_body(base + "/d", flags=7))])
    res, _ = decode_multi(r.body)
    assert [(x.type, x.err) for x in res] == [(Op.ERROR, Err.BADARGUMENTS)]


def test_multi_create_variants(zk, base):
    c = zk.connect()
    # inside multi the result type follows the create *flags*, not the opcode
    r = c.multi([(Op.CREATE_TTL, create_ttl_body(base + "/ttl", ttl=100000)),
                 (Op.CREATE_CONTAINER, create_body(base + "/cc", flags=Flags.CONTAINER)),
                 (Op.CREATE, create_body(base + "/c4", flags=Flags.CONTAINER)),
                 (Op.CREATE_CONTAINER, create_body(base + "/c0", flags=0)),
                 (Op.CREATE2, create_body(base + "/e2", flags=Flags.EPHEMERAL)),
                 (Op.CREATE, create_body(base + "/s-", flags=Flags.PERSISTENT_SEQUENTIAL))])
    assert r.err == 0
    res, term = decode_multi(r.body)
    assert [x.type for x in res] == [Op.CREATE2, Op.CREATE2, Op.CREATE2, Op.CREATE,
                                     Op.CREATE, Op.CREATE]
    for x in res[:3]:
        path, st = x.value
        assert st.czxid == r.zxid and st.ephemeralOwner == 0
    assert res[3].value == base + "/c0"
    assert res[5].value == base + "/s-0000000005"


def test_multi_empty(zk):
    c = zk.connect()
    before = ping_zxid(c)
    r = c.multi([])
    assert (r.err, r.body) == (0, MULTI_TERMINATOR)
    assert r.zxid > before  # even an empty multi is a txn
    r = c.multi_read([])
    assert (r.err, r.body) == (0, MULTI_TERMINATOR)


def test_multi_with_read_op_is_marshalling_error(zk, base):
    c = zk.connect()
    before = ping_zxid(c)
    r = c.multi([(Op.CREATE, create_body(base + "/d")), (Op.GET_DATA, get_data_body(base))])
    assert (r.err, r.body) == (Err.MARSHALLINGERROR, b"")
    assert r.zxid > before
    assert c.exists(base + "/d").err == Err.NONODE
    assert c.ping().err == 0


def test_multi_read(zk, base):
    c = zk.connect()
    w = c.create(base + "/a", b"xyz")
    r = c.multi_read([(Op.GET_DATA, get_data_body(base + "/a")),
                      (Op.GET_CHILDREN, get_children_body(base)),
                      (Op.GET_DATA, get_data_body(base + "/missing")),
                      (Op.GET_CHILDREN, get_children_body(base + "/missing"))])
    assert r.err == 0 and r.zxid >= w.zxid
    res, term = decode_multi(r.body)
    assert term == (-1, True, -1)
    assert [(x.type, x.err) for x in res] == [(Op.GET_DATA, 0), (Op.GET_CHILDREN, 0),
                                              (Op.ERROR, Err.NONODE), (Op.ERROR, Err.NONODE)]
    data, st = res[0].value
    assert data == b"xyz" and st.czxid == w.zxid
    assert res[0].body == Writer().buffer(b"xyz").bytes() + res[0].body[7:]
    assert res[1].value == ["a"]
    assert res[2].body == struct.pack(">i", -101)


def test_multi_read_with_bad_ops(zk, base):
    c = zk.connect()
    # a write op inside multiRead: error, but an (empty) MultiResponse body follows
    r = c.multi_read([(Op.CREATE, create_body(base + "/zz"))])
    assert (r.err, r.body) == (Err.MARSHALLINGERROR, MULTI_TERMINATOR)
    # an op multi cannot even decode (exists): error without body
    r = c.multi_read([(Op.EXISTS, exists_body(base))])
    assert (r.err, r.body) == (Err.MARSHALLINGERROR, b"")
    assert c.exists(base + "/zz").err == Err.NONODE
    assert c.ping().err == 0


# --------------------------------------------------------------------------
# reads on missing nodes, special nodes


def test_reads_on_missing_node(zk, base):
    c = zk.connect()
    m = base + "/missing"
    for op, body in [(Op.EXISTS, exists_body(m)), (Op.GET_DATA, get_data_body(m)),
                     (Op.GET_CHILDREN, get_children_body(m)),
                     (Op.GET_CHILDREN2, get_children_body(m)), (Op.GET_ACL, path_body(m)),
                     (Op.GET_ALL_CHILDREN_NUMBER, path_body(m))]:
        r = c.call(op, body)
        assert (r.err, r.body) == (Err.NONODE, b""), op
    # sync never fails and echoes the path, whatever it is
    for p in (m, "", "no-slash"):
        r = c.sync(p)
        assert (r.err, r.body) == (0, ustr(p))


def test_special_nodes(zk):
    c = zk.connect()
    for p in ("/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"):
        assert c.delete(p).err == Err.BADARGUMENTS, p
    assert c.create("/").err == Err.NODEEXISTS
    assert c.create("/zookeeper").err == Err.NODEEXISTS
    assert c.set_data("/zookeeper/config", b"x").err == Err.NOAUTH
    data, st = decode_get_data(c.get_data("/zookeeper/config").body)
    assert data == b""
    assert st == zkwire.Stat(0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0)  # aversion -1
    acl, st = decode_acl(c.get_acl("/zookeeper/config").body)
    assert acl == [ACL(Perm.READ, "world", "anyone")] and st.aversion == -1
    acl, st = decode_acl(c.get_acl("/").body)
    assert acl == [ACL(Perm.ALL, "world", "anyone")]
    assert st.czxid == 0 and st.ctime == 0
    acl, _ = decode_acl(c.get_acl("/zookeeper").body)
    assert acl == [ACL(Perm.ALL, "world", "anyone")]
    kids = decode_children(c.get_children("/zookeeper").body)
    assert kids == java_hashset_order(["quota", "config"]) == ["config", "quota"]
    assert "zookeeper" in decode_children(c.get_children("/").body)
    # "" is the root's key: reads on "" answer for "/"
    assert decode_children(c.get_children("").body) == decode_children(c.get_children("/").body)
    assert c.exists("").err == 0 and c.get_acl("").err == 0


# --------------------------------------------------------------------------
# path validation

def _path_cases(B):
    """(path, create, delete, setData, getData, exists) expected codes.
    B exists, B/a exists, B/m does not."""
    BA, NO, NN, OK = Err.BADARGUMENTS, Err.NONODE, Err.NONODE, 0
    return [
        ("", BA, BA, BA, OK, OK),                   # "" is the root for reads
        ("no-slash", BA, BA, BA, NN, NN),
        ("//a", BA, NO, BA, NN, NN),                # parent "/" exists -> path check
        (B + "//a", NO, NO, BA, NN, NN),            # parent B/ missing -> NoNode first
        (B + "/a/", BA, NO, BA, NN, NN),            # parent B/a exists
        (B + "/m/", NO, NO, BA, NN, NN),            # parent B/m missing
        (B + "/a/./b", NO, NO, BA, NN, NN),
        (B + "/a/../b", NO, NO, BA, NN, NN),
        (B + "/.", BA, NO, BA, NN, NN),
        (B + "/..", BA, NO, BA, NN, NN),
        (B + "/a\x00b", BA, BA, BA, NN, BA),        # NUL: exists checks it, getData not
        (B + "/a\x01", BA, NO, BA, NN, NN),
        (B + "/a\x7f", BA, NO, BA, NN, NN),
        (B + "/a\u0085", BA, NO, BA, NN, NN),
        (B + "/emoji-\U0001F333", BA, NO, BA, NN, NN),  # UTF-16 surrogates rejected
        (B + "/priv\ue000", BA, NO, BA, NN, NN),
        (B + "/spec\ufff0", BA, NO, BA, NN, NN),
        (B.encode() + b"/bad\xff", BA, NO, BA, NN, NN),  # invalid UTF-8 -> U+FFFD
        (B + "/nbsp\u00a0", OK, OK, NN, NN, NN),    # allowed (> U+009F)
        (B + "/cjk\uf900", OK, OK, NN, NN, NN),     # allowed (> U+F8FF)
    ]


def test_path_validation(zk, base):
    c = zk.connect()
    c.create(base + "/a")
    failures = []
    for path, e_create, e_delete, e_set, e_get, e_exists in _path_cases(base):
        got = []
        z0 = ping_zxid(c)
        r = c.create(path)
        got.append(r.err)
        if r.err == 0:
            assert decode_string(r.body) == (path if isinstance(path, str) else path.decode())
        zw = r.zxid
        got.append(c.delete(path).err)
        got.append(c.set_data(path, b"x").err)
        got.append(c.get_data(path).err)
        got.append(c.exists(path).err)
        if got != [e_create, e_delete, e_set, e_get, e_exists]:
            failures.append((path, got, [e_create, e_delete, e_set, e_get, e_exists]))
        assert zw > z0  # failed creates consume a zxid too
    assert failures == []


def test_sequential_trailing_slash(zk, base):
    c = zk.connect()
    r = c.create(base + "/", flags=Flags.PERSISTENT_SEQUENTIAL)
    assert r.err == 0 and decode_string(r.body) == base + "/0000000000"
    assert c.create(base + "/m/", flags=Flags.PERSISTENT_SEQUENTIAL).err == Err.NONODE
    assert c.create(base + "/", flags=Flags.PERSISTENT).err == Err.BADARGUMENTS
    # a sequential name is validated after the suffix is appended
    r = c.create(base + "/.", flags=Flags.PERSISTENT_SEQUENTIAL)
    assert r.err == 0 and decode_string(r.body) == base + "/.0000000001"


# --------------------------------------------------------------------------
# create


def test_create_error_precedence(zk, base):
    c = zk.connect()
    bad_acl = [ACL(Perm.ALL, "nosuch", "x")]
    # flags are checked first, then TTL, then ACL, then the parent
    assert c.create(base + "/nope/x", flags=7, acl=[]).err == Err.BADARGUMENTS
    assert c.create_ttl(base + "/nope/x", ttl=0, acl=[]).err == Err.BADARGUMENTS
    assert c.create(base + "/nope/x", acl=bad_acl).err == Err.INVALIDACL
    assert c.create(base + "/nope/x", acl=[]).err == Err.INVALIDACL
    assert c.create(base + "/nope/x").err == Err.NONODE
    c.create(base + "/exists")
    assert c.create(base + "/exists", acl=bad_acl).err == Err.INVALIDACL
    assert c.create(base + "/exists").err == Err.NODEEXISTS
    # parent ACL (CREATE) is checked before existence
    c.create(base + "/ro")
    c.create(base + "/ro/child")
    assert c.set_acl(base + "/ro", [ACL(Perm.READ, "world", "anyone")]).err == 0
    assert c.create(base + "/ro/child").err == Err.NOAUTH
    assert c.create(base + "/ro/new").err == Err.NOAUTH
    # ephemeral parents
    e = base + "/eph"
    r = c.create(e, flags=Flags.EPHEMERAL)
    assert r.err == 0 and decode_string(r.body) == e
    assert c.create(e, flags=Flags.EPHEMERAL).err == Err.NODEEXISTS
    assert c.create(e).err == Err.NODEEXISTS
    assert c.create(e + "/c").err == Err.NOCHILDRENFOREPHEMERALS
    assert c.create(e + "/c", flags=Flags.EPHEMERAL_SEQUENTIAL).err == Err.NOCHILDRENFOREPHEMERALS
    assert c.create(e + "/c/d").err == Err.NONODE
    assert c.create(e + "/.").err == Err.BADARGUMENTS  # path check before ephemeral parent


def test_create_acl_validation(zk, base):
    c = zk.connect()
    b = base
    null_acl = Writer().ustring(b + "/n").buffer(b"").int(-1).int(0).bytes()
    assert c.call(Op.CREATE, null_acl).err == Err.INVALIDACL
    assert c.create(b + "/e", acl=[]).err == Err.INVALIDACL
    assert c.create(b + "/e", acl=[ACL(31, "world", "x")]).err == Err.INVALIDACL
    assert c.create(b + "/e", acl=[ACL(31, "digest", "nocolon")]).err == Err.INVALIDACL
    assert c.create(b + "/e", acl=[ACL(31, "ip", "notanip")]).err == Err.INVALIDACL
    assert c.create(b + "/e", acl=CREATOR_ALL_ACL).err == Err.INVALIDACL  # no auth yet
    r = c.create(b + "/p0", acl=[ACL(0, "world", "anyone")])  # perms 0 accepted
    assert r.err == 0
    assert c.get_data(b + "/p0").err == Err.NOAUTH
    assert c.get_acl(b + "/p0").err == Err.NOAUTH
    assert c.exists(b + "/p0").err == 0
    # setACL: empty list rejected, duplicates collapsed
    c.create(b + "/d")
    assert c.set_acl(b + "/d", []).err == Err.INVALIDACL
    r = c.set_acl(b + "/d", OPEN_ACL_UNSAFE * 2)
    assert r.err == 0 and decode_stat(r.body).aversion == 1
    assert decode_acl(c.get_acl(b + "/d").body)[0] == OPEN_ACL_UNSAFE


@pytest.mark.parametrize("flags", [7, -1, 8, 100])
def test_create_invalid_flags(zk, base, flags):
    c = zk.connect()
    before = ping_zxid(c)
    r = c.create(base + "/f", flags=flags)
    assert (r.err, r.body) == (Err.BADARGUMENTS, b"") and r.zxid > before
    assert c.create2(base + "/f", flags=flags).err == Err.BADARGUMENTS


def test_create_ttl_errors(zk, base):
    c = zk.connect()
    b = base + "/t"
    assert c.create_ttl(b, ttl=0).err == Err.BADARGUMENTS
    assert c.create_ttl(b, ttl=-1).err == Err.BADARGUMENTS
    assert c.create_ttl(b, ttl=-100).err == Err.BADARGUMENTS
    assert c.create_ttl(b, ttl=1 << 40).err == Err.BADARGUMENTS
    # a TTL is only allowed with a TTL mode (ttl >= 0 with other modes fails)
    for flags in (Flags.PERSISTENT, Flags.EPHEMERAL, Flags.PERSISTENT_SEQUENTIAL, Flags.CONTAINER):
        assert c.create_ttl(b, flags=flags, ttl=100).err == Err.BADARGUMENTS
    # a TTL mode through plain create/create2 has ttl -1 -> bad
    assert c.create(b, flags=Flags.PERSISTENT_WITH_TTL).err == Err.BADARGUMENTS
    assert c.create2(b, flags=Flags.PERSISTENT_SEQUENTIAL_WITH_TTL).err == Err.BADARGUMENTS
    assert c.exists(b).err == Err.NONODE
    r = c.create_ttl(b, ttl=(1 << 40) - 1)  # maximum
    assert r.err == 0
    path, st = decode_create2(r.body)
    assert path == b and st.ephemeralOwner == 0  # TTL owner hidden from clients
    r = c.create_ttl(base + "/s-", flags=Flags.PERSISTENT_SEQUENTIAL_WITH_TTL, ttl=5000)
    assert r.err == 0 and decode_create2(r.body)[0] == base + "/s-0000000001"


def test_create_container(zk, base):
    c = zk.connect()
    r = c.create_container(base + "/c")
    assert r.err == 0
    path, st = decode_create2(r.body)
    assert path == base + "/c" and st.ephemeralOwner == 0 and st.czxid == r.zxid
    assert len(r.body) == 4 + len(path) + zkwire.STAT_SIZE
    # createContainer ignores plain flags ...
    r = c.create_container(base + "/c0", flags=0)
    assert r.err == 0
    r = c.create_container(base + "/cs-", flags=Flags.PERSISTENT_SEQUENTIAL)
    assert r.err == 0 and decode_create2(r.body)[0] == base + "/cs-0000000002"
    # ... but not TTL flags (ttl is -1 there)
    assert c.create_container(base + "/ct", flags=Flags.PERSISTENT_WITH_TTL).err == Err.BADARGUMENTS
    # plain create with the container flag answers like a persistent create
    r = c.create(base + "/c4", flags=Flags.CONTAINER)
    assert r.err == 0 and r.body == ustr(base + "/c4")


def test_ephemeral_owner_values(zk, base):
    c = zk.connect()
    sid = c.session.session_id
    r = c.create2(base + "/e", flags=Flags.EPHEMERAL)
    assert decode_create2(r.body)[1].ephemeralOwner == sid
    assert decode_stat(c.exists(base + "/e").body).ephemeralOwner == sid
    c.create_container(base + "/c")
    assert decode_stat(c.exists(base + "/c").body).ephemeralOwner == 0
    c.create_ttl(base + "/t", ttl=60000)
    assert decode_stat(c.exists(base + "/t").body).ephemeralOwner == 0
    c.create(base + "/p")
    assert decode_stat(c.exists(base + "/p").body).ephemeralOwner == 0


def test_stat_fields_lifecycle(zk, base):
    c = zk.connect()
    n = base + "/s"
    r = c.create2(n, b"abc")
    path, st = decode_create2(r.body)
    assert st.czxid == st.mzxid == st.pzxid == r.zxid
    assert st.ctime == st.mtime and st.ctime > 0
    assert (st.version, st.cversion, st.aversion, st.ephemeralOwner, st.dataLength,
            st.numChildren) == (0, 0, 0, 0, 3, 0)
    data, st_g = decode_get_data(c.get_data(n).body)
    assert data == b"abc" and st_g == st
    r = c.set_data(n, b"hello")
    s1 = decode_stat(r.body)
    assert s1.mzxid == r.zxid and s1.czxid == st.czxid and s1.pzxid == st.pzxid
    assert s1.version == 1 and s1.dataLength == 5 and s1.mtime >= s1.ctime == st.ctime
    rc = c.create(n + "/k")
    s2 = decode_stat(c.exists(n).body)
    assert (s2.cversion, s2.numChildren, s2.pzxid, s2.mzxid, s2.version) == (
        1, 1, rc.zxid, s1.mzxid, 1)
    rd = c.delete(n + "/k")
    assert (rd.err, rd.body) == (0, b"")
    s3 = decode_stat(c.exists(n).body)
    assert (s3.cversion, s3.numChildren, s3.pzxid, s3.mzxid) == (2, 0, rd.zxid, s1.mzxid)
    ra = c.set_acl(n, OPEN_ACL_UNSAFE, version=0)
    s4 = decode_stat(ra.body)
    assert s4.aversion == 1 and s4.mzxid == s1.mzxid and s4.version == 1
    # setData with a null buffer stores null: getData answers length -1
    r = c.call(Op.SET_DATA, Writer().ustring(n).buffer(None).int(-1).bytes())
    assert r.err == 0 and decode_stat(r.body).dataLength == 0
    assert c.get_data(n).body[:4] == b"\xff\xff\xff\xff"
    # getChildren2 body: children + parent stat
    kids, st5 = decode_children2(c.get_children2(n).body)
    assert kids == [] and st5.version == 2


def test_sequential_names_follow_create_count(zk, base):
    c = zk.connect()
    q = base + "/q"
    c.create(q)
    names = [decode_string(c.create(q + "/n-", flags=Flags.PERSISTENT_SEQUENTIAL).body)
             for _ in range(3)]
    assert names == [q + "/n-%010d" % i for i in range(3)]
    assert c.delete(q + "/n-0000000001").err == 0
    st = decode_stat(c.exists(q).body)
    assert (st.cversion, st.numChildren) == (4, 2)
    c.create(q + "/other")
    st = decode_stat(c.exists(q).body)
    assert (st.cversion, st.numChildren) == (5, 3)
    # the suffix counts creates only (visible cversion counts deletes too):
    # suffix == (cversion + numChildren) / 2 == 4, not 5
    r = c.create(q + "/n-", flags=Flags.EPHEMERAL_SEQUENTIAL)
    assert decode_string(r.body) == q + "/n-0000000004"
    r = c.create(q + "/", flags=Flags.PERSISTENT_SEQUENTIAL)
    assert decode_string(r.body) == q + "/0000000005"
    # failed creates do not advance it
    assert c.create(q + "/other").err == Err.NODEEXISTS
    r = c.create(q + "/x-", flags=Flags.PERSISTENT_SEQUENTIAL)
    assert decode_string(r.body) == q + "/x-0000000006"
    st = decode_stat(c.exists(q).body)
    assert (st.cversion, st.numChildren) == (8, 6)


def test_get_children_order_is_java_hashset_order(zk, base, java_internals):
    c = zk.connect()
    model = JavaHashSet(8)
    names = ["n%d" % i for i in range(30)] + ["alpha", "beta", "x-1", "x-10", "\u00e9t\u00e9"]
    order = sorted(names, key=lambda s: java_string_hash(s) * 7919 % 1000003)
    for i, name in enumerate(order):
        assert c.create(base + "/" + name).err == 0
        model.add(name)
        if i % 6 == 5:
            victim = order[i // 2]
            if victim in model.items:
                assert c.delete(base + "/" + victim).err == 0
                model.remove(victim)
        got = decode_children(c.get_children(base).body)
        want = model.order() if java_internals else sorted(model.items)
        assert got == want, (i, name)


# --------------------------------------------------------------------------
# versions


def test_version_checks(zk, base):
    c = zk.connect()
    n = base + "/v"
    c.create(n)
    before = ping_zxid(c)
    r = c.set_data(n, b"x", version=5)
    assert (r.err, r.body) == (Err.BADVERSION, b"") and r.zxid > before
    assert c.delete(n, version=7).err == Err.BADVERSION
    assert c.set_acl(n, OPEN_ACL_UNSAFE, version=7).err == Err.BADVERSION
    assert c.set_data(n, b"x", version=0).err == 0
    assert c.set_data(n, b"y", version=0).err == Err.BADVERSION
    assert c.set_acl(n, OPEN_ACL_UNSAFE, version=0).err == 0
    assert c.set_acl(n, OPEN_ACL_UNSAFE, version=0).err == Err.BADVERSION
    c.create(n + "/k")
    assert c.delete(n, version=9).err == Err.BADVERSION  # version before NotEmpty
    assert c.delete(n).err == Err.NOTEMPTY
    assert c.delete(base + "/zz", version=9).err == Err.NONODE
    assert c.delete(n + "/k", version=0).err == 0


# --------------------------------------------------------------------------
# auth and ACLs


def test_addauth_reply_header(zk):
    c = zk.connect()
    r = c.add_auth("digest", "u1:p1")
    assert r.raw == b"\xff\xff\xff\xfc" + b"\x00" * 8 + b"\x00" * 4  # xid -4, zxid 0, err 0
    assert c.add_auth("digest", "u1:p1").err == 0  # repeated: still OK
    c.send_request(Op.AUTH, zkwire.auth_body("digest", b"a:b"), xid=77)
    r = c.recv_reply()
    assert (r.xid, r.zxid, r.err, r.body) == (77, 0, 0, b"")
    assert c.add_auth("digest", "nocolon").err == 0
    assert c.add_auth("ip", "10.9.9.9").err == 0  # ip "auth" always succeeds
    assert c.ping().err == 0


@pytest.mark.parametrize("scheme", ["nosuch", "world", "super"])
def test_addauth_unknown_scheme_fails_and_closes(zk, scheme):
    c = zk.connect()
    other = zk.connect()
    r = c.add_auth(scheme, "x")
    assert r.raw == b"\xff\xff\xff\xfc" + b"\x00" * 8 + struct.pack(">i", Err.AUTHFAILED)
    assert c.wait_closed(2.0) == (True, [])
    assert other.ping().err == 0


def test_whoami(zk, java_internals):
    c = zk.connect()
    r = c.call(Op.WHO_AM_I)
    assert r.err == 0
    assert decode_who_am_i(r.body) == [("ip", "127.0.0.1")]
    assert r.body == (struct.pack(">i", 1) + ustr("ip") + ustr("127.0.0.1"))
    c.add_auth("digest", "u1:p1")
    ids = [("ip", "127.0.0.1"), ("digest", digest_id("u1", "p1"))]
    expect = [(s, i.split(":")[0] if s == "digest" else i) for s, i in chm_order(ids)]
    got = decode_who_am_i(c.call(Op.WHO_AM_I).body)
    if java_internals:
        assert got == expect == [("digest", "u1"), ("ip", "127.0.0.1")]
    else:
        assert sorted(got) == sorted(expect)
    c.add_auth("digest", "u2:p2")
    ids.append(("digest", digest_id("u2", "p2")))
    expect = [(s, i.split(":")[0] if s == "digest" else i) for s, i in chm_order(ids)]
    got = decode_who_am_i(c.call(Op.WHO_AM_I).body)
    assert (got if java_internals else sorted(got)) == (expect if java_internals else sorted(expect))


def test_super_digest_login(zk, base, java_internals):
    def ordered(ids):
        return ids if java_internals else sorted(ids)

    owner = zk.connect()
    owner.create(base + "/locked", b"s", acl=[ACL(0, "world", "anyone")])
    s = zk.connect()
    assert s.add_auth("digest", "super:test").err == 0
    assert ordered(decode_who_am_i(s.call(Op.WHO_AM_I).body)) == ordered([
        ("super", ""), ("ip", "127.0.0.1"), ("digest", "super")])
    r = s.get_data(base + "/locked")
    assert r.err == 0 and decode_get_data(r.body)[0] == b"s"
    assert s.get_acl(base + "/locked").err == 0
    w = zk.connect()
    assert w.add_auth("digest", "super:wrong").err == 0  # just a digest id, no super
    assert ordered(decode_who_am_i(w.call(Op.WHO_AM_I).body)) == ordered(
        [("ip", "127.0.0.1"), ("digest", "super")])
    assert w.get_data(base + "/locked").err == Err.NOAUTH


def test_digest_acl_and_noauth(zk, base):
    owner = zk.connect()
    owner.add_auth("digest", "u1:p1")
    n = base + "/dig"
    assert owner.create(n, b"sec", acl=[ACL(Perm.ALL, "digest", digest_id("u1", "p1"))]).err == 0
    o = zk.connect()
    before = ping_zxid(o)
    checks = [
        ("getData", o.get_data(n), Err.NOAUTH),
        ("setData", o.set_data(n, b"x"), Err.NOAUTH),
        ("create", o.create(n + "/c"), Err.NOAUTH),
        ("getACL", o.get_acl(n), Err.NOAUTH),
        ("getChildren", o.get_children(n), Err.NOAUTH),
        ("getChildren2", o.get_children2(n), Err.NOAUTH),
        ("setACL", o.set_acl(n, OPEN_ACL_UNSAFE), Err.NOAUTH),
        ("delete-missing-child", o.delete(n + "/c"), Err.NOAUTH),  # parent ACL before NoNode
        ("exists", o.exists(n), 0),  # no ACL check on exists
    ]
    for name, r, want in checks:
        assert r.err == want, name
        if want:
            assert r.body == b"", name
    assert checks[1][1].zxid > before  # NoAuth on a write consumes a zxid
    assert decode_stat(checks[-1][1].body).dataLength == 3
    # multiRead reports NoAuth per op
    r = o.multi_read([(Op.GET_DATA, get_data_body(n))])
    assert [(x.type, x.err) for x in decode_multi(r.body)[0]] == [(Op.ERROR, Err.NOAUTH)]
    # with the right identity everything works
    o.add_auth("digest", "u1:p1")
    assert o.get_data(n).err == 0 and o.create(n + "/c").err == 0
    assert o.delete(n + "/c").err == 0


def test_getacl_without_admin_redacts_digest(zk, base):
    owner = zk.connect()
    n = base + "/r"
    dig = digest_id("u1", "p1")
    owner.create(n, acl=[ACL(Perm.READ, "world", "anyone"), ACL(Perm.ALL, "digest", dig)])
    r = owner.get_acl(n)
    acl, _ = decode_acl(r.body)
    assert acl == [ACL(Perm.READ, "world", "anyone"), ACL(Perm.ALL, "digest", "u1:x")]
    owner.add_auth("digest", "u1:p1")
    acl, _ = decode_acl(owner.get_acl(n).body)
    assert acl == [ACL(Perm.READ, "world", "anyone"), ACL(Perm.ALL, "digest", dig)]
    # DELETE on the parent is what a delete needs
    owner.create(base + "/nd", acl=[ACL(Perm.ALL & ~Perm.DELETE, "world", "anyone")])
    owner.create(base + "/nd/c")
    other = zk.connect()
    assert other.delete(base + "/nd/c").err == Err.NOAUTH


def test_auth_scheme_acl(zk, base, java_internals):
    c = zk.connect()
    assert c.create(base + "/a0", acl=CREATOR_ALL_ACL).err == Err.INVALIDACL
    c.add_auth("ip", "127.0.0.1")  # ip ids do not count as "authenticated"
    assert c.create(base + "/a0", acl=CREATOR_ALL_ACL).err == Err.INVALIDACL
    c.add_auth("digest", "u1:p1")
    c.add_auth("digest", "u2:p2")
    assert c.create(base + "/a", acl=CREATOR_ALL_ACL).err == 0
    acl, _ = decode_acl(c.get_acl(base + "/a").body)
    ids = chm_order([("ip", "127.0.0.1"), ("digest", digest_id("u1", "p1")),
                     ("digest", digest_id("u2", "p2"))])
    want = [ACL(Perm.ALL, s, i) for s, i in ids if s == "digest"]
    if java_internals:
        assert acl == want
    else:
        assert set(acl) == set(want) and len(acl) == len(want)
    other = zk.connect()
    assert other.get_data(base + "/a").err == Err.NOAUTH
    other.add_auth("digest", "u2:p2")
    assert other.get_data(base + "/a").err == 0


def test_ip_acl(zk, base):
    c = zk.connect()
    o = zk.connect()
    for ident, want in (("127.0.0.1", 0), ("127.0.0.0/8", 0), ("10.1.2.3", Err.NOAUTH),
                        ("10.0.0.0/8", Err.NOAUTH)):
        p = base + "/ip-" + ident.replace("/", "_")
        assert c.create(p, acl=[ACL(Perm.ALL, "ip", ident)]).err == 0
        assert o.get_data(p).err == want, ident


# --------------------------------------------------------------------------
# watches


def _event_frame(type_, path):
    body = struct.pack(">ii", type_, State.SYNC_CONNECTED) + ustr(path)
    return struct.pack(">iqi", -1, -1, 0) + body


def test_data_watch_fires_before_reply_same_session(zk, base):
    c = zk.connect()
    n = base + "/n"
    c.create(n, b"v0")
    assert c.get_data(n, watch=True).err == 0
    x = c.send_request(Op.SET_DATA, set_data_body(n, b"v1"))
    first = c.recv_frame()
    assert first == _event_frame(EventType.NODE_DATA_CHANGED, n)  # xid -1, zxid -1, err 0
    second = zkwire.parse_reply(c.recv_frame())
    assert second.xid == x and second.err == 0
    # one-shot: a second write fires nothing
    c.set_data(n, b"v2")
    assert c.no_event(0.4)


def test_watch_from_other_session_arrives_before_later_reply(zk, base):
    c = zk.connect()
    d = zk.connect()
    n = base + "/n"
    c.create(n)
    c.get_data(n, watch=True)
    assert d.set_data(n, b"x").err == 0
    c.send_request(Op.PING, b"", xid=Xid.PING)
    first = zkwire.parse_reply(c.recv_frame())
    assert first.xid == -1
    ev = zkwire.parse_event(first)
    assert (ev.type, ev.state, ev.path, ev.zxid, ev.err) == (
        EventType.NODE_DATA_CHANGED, State.SYNC_CONNECTED, n, -1, 0)
    assert c.recv_reply().xid == -2


def test_exists_watch_on_missing_node(zk, base):
    c = zk.connect()
    d = zk.connect()
    m = base + "/m"
    r = c.exists(m, watch=True)
    assert (r.err, r.body) == (Err.NONODE, b"")
    d.create(m)
    assert keys(drain(c)) == [(EventType.NODE_CREATED, m)]
    # getData on a missing node does not leave a watch behind
    c.get_data(base + "/m2", watch=True)
    d.create(base + "/m2")
    assert c.no_event(0.4)


def test_child_watch(zk, base):
    c = zk.connect()
    d = zk.connect()
    c.get_children(base, watch=True)
    d.set_data(base, b"data change is not a child change")
    d.create(base + "/k")
    d.create(base + "/k2")
    assert keys(drain(c)) == [(EventType.NODE_CHILDREN_CHANGED, base)]


def test_node_deleted_delivered_once(zk, base):
    c = zk.connect()
    d = zk.connect()
    k = base + "/k"
    c.create(k)
    c.get_data(k, watch=True)
    c.get_children(k, watch=True)
    c.exists(k, watch=True)
    d.delete(k)
    assert keys(drain(c)) == [(EventType.NODE_DELETED, k)]


def test_self_delete_events_precede_reply(zk, base):
    c = zk.connect()
    m = base + "/m"
    c.create(m)
    c.get_children(base, watch=True)
    c.get_data(m, watch=True)
    x = c.send_request(Op.DELETE, delete_body(m))
    f1 = c.recv_frame()
    f2 = c.recv_frame()
    f3 = zkwire.parse_reply(c.recv_frame())
    assert f1 == _event_frame(EventType.NODE_DELETED, m)
    assert f2 == _event_frame(EventType.NODE_CHILDREN_CHANGED, base)
    assert f3.xid == x and f3.err == 0


def test_persistent_watch(zk, base):
    c = zk.connect()
    d = zk.connect()
    n = base + "/n"
    c.create(n)
    r = c.call(Op.ADD_WATCH, zkwire.add_watch_body(n, zkwire.AddWatchMode.PERSISTENT))
    assert (r.err, r.body) == (0, b"\x00\x00\x00\x00")  # an ErrorResponse(0) body
    d.set_data(n, b"1")
    d.set_data(n, b"2")
    d.create(n + "/c1")
    d.set_data(n + "/c1", b"x")  # not reported (not recursive)
    d.delete(n + "/c1")
    assert keys(drain(c)) == [(EventType.NODE_DATA_CHANGED, n), (EventType.NODE_DATA_CHANGED, n),
                              (EventType.NODE_CHILDREN_CHANGED, n),
                              (EventType.NODE_CHILDREN_CHANGED, n)]
    # a persistent watch answers checkWatches for both kinds; removing sends nothing
    for t in (zkwire.WatcherType.DATA, zkwire.WatcherType.CHILDREN):
        assert c.call(Op.CHECK_WATCHES, zkwire.check_watches_body(n, t)).err == 0
    assert c.call(Op.REMOVE_WATCHES, zkwire.remove_watches_body(n, zkwire.WatcherType.ANY)).err == 0
    d.set_data(n, b"3")
    assert drain(c) == []


def test_persistent_recursive_watch(zk, base):
    c = zk.connect()
    d = zk.connect()
    n = base + "/n"
    c.create(n)
    r = c.call(Op.ADD_WATCH, zkwire.add_watch_body(n, zkwire.AddWatchMode.PERSISTENT_RECURSIVE))
    assert (r.err, r.body) == (0, b"\x00\x00\x00\x00")
    d.set_data(n, b"2")
    d.create(n + "/c1")
    d.create(n + "/c1/g")
    d.set_data(n + "/c1/g", b"x")
    d.delete(n + "/c1/g")
    d.delete(n + "/c1")
    # no NodeChildrenChanged for recursive watches
    assert keys(drain(c)) == [(EventType.NODE_DATA_CHANGED, n), (EventType.NODE_CREATED, n + "/c1"),
                              (EventType.NODE_CREATED, n + "/c1/g"),
                              (EventType.NODE_DATA_CHANGED, n + "/c1/g"),
                              (EventType.NODE_DELETED, n + "/c1/g"),
                              (EventType.NODE_DELETED, n + "/c1")]


def test_add_watch_edge_cases(zk, base):
    c = zk.connect()
    d = zk.connect()
    m = base + "/later"
    # on a missing path: accepted, then fires for its creation and deletion
    assert c.call(Op.ADD_WATCH, zkwire.add_watch_body(m, 0)).err == 0
    d.create(m)
    d.delete(m)
    assert keys(drain(c)) == [(EventType.NODE_CREATED, m), (EventType.NODE_DELETED, m)]
    assert c.call(Op.ADD_WATCH, zkwire.add_watch_body(m, 5)).err == Err.MARSHALLINGERROR
    assert c.ping().err == 0


def test_standard_watch_replaces_persistent_mode(zk, base):
    c = zk.connect()
    d = zk.connect()
    n = base + "/n"
    c.create(n)
    c.call(Op.ADD_WATCH, zkwire.add_watch_body(n, zkwire.AddWatchMode.PERSISTENT_RECURSIVE))
    c.get_data(n, watch=True)
    c.get_children(n, watch=True)
    # the one-shot registrations downgraded the recursive watch on this path
    d.create(n + "/z")
    d.delete(n + "/z")
    d.set_data(n, b"1")
    d.set_data(n, b"2")
    assert keys(drain(c)) == [(EventType.NODE_CHILDREN_CHANGED, n),
                              (EventType.NODE_DATA_CHANGED, n)]


def test_check_and_remove_watches(zk, base):
    c = zk.connect()
    n = base + "/n"
    c.create(n)
    for t in (1, 2, 3):
        assert c.call(Op.CHECK_WATCHES, zkwire.check_watches_body(n, t)).err == Err.NOWATCHER
        r = c.call(Op.REMOVE_WATCHES, zkwire.remove_watches_body(n, t))
        assert (r.err, r.body) == (Err.NOWATCHER, b"")
    assert c.call(Op.CHECK_WATCHES, zkwire.check_watches_body(base + "/zzz", 3)).err == Err.NOWATCHER
    assert c.call(Op.CHECK_WATCHES, zkwire.check_watches_body(n, 7)).err == Err.MARSHALLINGERROR
    assert c.call(Op.REMOVE_WATCHES, zkwire.remove_watches_body(n, 0)).err == Err.MARSHALLINGERROR
    c.get_data(n, watch=True)
    assert c.call(Op.CHECK_WATCHES, zkwire.check_watches_body(n, 2)).err == 0
    assert c.call(Op.CHECK_WATCHES, zkwire.check_watches_body(n, 1)).err == Err.NOWATCHER
    assert c.call(Op.CHECK_WATCHES, zkwire.check_watches_body(n, 3)).err == 0
    r = c.call(Op.REMOVE_WATCHES, zkwire.remove_watches_body(n, 2))
    assert (r.err, r.body) == (0, b"")
    # the server sends no DataWatchRemoved event (the Java client makes it up)
    assert drain(c) == []
    c.get_children(n, watch=True)
    c.get_data(n, watch=True)
    assert c.call(Op.REMOVE_WATCHES, zkwire.remove_watches_body(n, 3)).err == 0
    assert drain(c) == []
    assert c.call(Op.CHECK_WATCHES, zkwire.check_watches_body(n, 3)).err == Err.NOWATCHER


def test_set_watches_relative_zxid(zk, base):
    c = zk.connect()
    d = zk.connect()
    a, k, u = base + "/a", base + "/k", base + "/u"
    c.create(a, b"1")
    c.create(k)
    c.create(u)
    z0 = ping_zxid(c)
    d.set_data(a, b"2")
    d.create(k + "/x")
    s = zk.connect()
    s.send_request(Op.SET_WATCHES, zkwire.set_watches_body(
        z0, data=[a, u, base + "/missing"], exist=[a, base + "/missing2"],
        child=[k, u, base + "/missing3"]), xid=Xid.SET_WATCHES)
    frames = []
    for _ in range(10):
        rep = s.recv_reply()
        frames.append(rep)
        if rep.xid != -1:
            break
    evs = [zkwire.parse_event(f) for f in frames[:-1]]
    # immediate events, in request order, before the reply
    assert keys(evs) == [(EventType.NODE_DATA_CHANGED, a), (EventType.NODE_DELETED, base + "/missing"),
                         (EventType.NODE_CREATED, a), (EventType.NODE_CHILDREN_CHANGED, k),
                         (EventType.NODE_DELETED, base + "/missing3")]
    last = frames[-1]
    assert (last.xid, last.err, last.body) == (Xid.SET_WATCHES, 0, b"")
    # unchanged paths got real watches
    d.set_data(u, b"x")
    d.create(u + "/c")
    d.create(base + "/missing2")
    assert sorted(keys(drain(s))) == sorted([(EventType.NODE_DATA_CHANGED, u),
                                             (EventType.NODE_CHILDREN_CHANGED, u),
                                             (EventType.NODE_CREATED, base + "/missing2")])


def test_set_watches2_persistent(zk, base):
    c = zk.connect()
    d = zk.connect()
    a, k = base + "/a", base + "/k"
    c.create(a)
    c.create(k)
    s = zk.connect()
    z = ping_zxid(s)
    r = s.call(Op.SET_WATCHES2, zkwire.set_watches2_body(z, persistent=[k], recursive=[a]),
               xid=Xid.SET_WATCHES)
    assert (r.xid, r.err, r.body) == (Xid.SET_WATCHES, 0, b"")
    assert s.events == []
    d.set_data(a, b"3")
    d.create(a + "/c")
    d.create(k + "/y")
    d.set_data(k, b"x")
    assert keys(drain(s)) == [(EventType.NODE_DATA_CHANGED, a), (EventType.NODE_CREATED, a + "/c"),
                              (EventType.NODE_CHILDREN_CHANGED, k), (EventType.NODE_DATA_CHANGED, k)]
    # setWatches also works with an ordinary xid
    s2 = zk.connect()
    r = s2.call(Op.SET_WATCHES, zkwire.set_watches_body(0, data=[a]), xid=5)
    assert (r.xid, r.err) == (5, 0)
    assert keys(drain(s2)) == [(EventType.NODE_DATA_CHANGED, a)]


# --------------------------------------------------------------------------
# getEphemerals, getAllChildrenNumber, sync


def test_get_ephemerals(zk, base):
    c = zk.connect()
    d = zk.connect()
    c.create(base + "/x")
    c.create(base + "/e1", flags=Flags.EPHEMERAL)
    c.create(base + "/x/e2", flags=Flags.EPHEMERAL)
    r = c.create(base + "/es-", flags=Flags.EPHEMERAL_SEQUENTIAL)
    es = decode_string(r.body)
    d.create(base + "/de", flags=Flags.EPHEMERAL)
    mine = {base + "/e1", base + "/x/e2", es}
    for prefix, want in [("/", mine), ("", mine), (base, mine), (base + "/x", {base + "/x/e2"}),
                         (base + "/e", {base + "/e1", es}), (base + "/x/", {base + "/x/e2"}),
                         ("/nonexistent", set()), ("relative", set())]:
        r = c.call(Op.GET_EPHEMERALS, path_body(prefix))
        assert r.err == 0
        assert set(decode_children(r.body)) == want, prefix
    r = c.call(Op.GET_EPHEMERALS, Writer().ustring(None).bytes())
    assert set(decode_children(r.body)) == mine
    r = d.call(Op.GET_EPHEMERALS, path_body("/"))
    assert decode_children(r.body) == [base + "/de"]


def test_get_all_children_number(zk, base):
    c = zk.connect()
    c.create(base + "/x")
    c.create(base + "/x/y")
    c.create(base + "/z")
    c.create(base + "/x-sibling")
    for p, n in [(base, 4), (base + "/x", 1), (base + "/x/y", 0)]:
        r = c.call(Op.GET_ALL_CHILDREN_NUMBER, path_body(p))
        assert r.err == 0 and r.body == struct.pack(">i", n), p
    assert c.call(Op.GET_ALL_CHILDREN_NUMBER, path_body(base + "/no")).err == Err.NONODE
    # "" counts one more than "/" (the "/" alias of the root is counted)
    for _ in range(20):
        a = decode_int(c.call(Op.GET_ALL_CHILDREN_NUMBER, path_body("/")).body)
        b = decode_int(c.call(Op.GET_ALL_CHILDREN_NUMBER, path_body("")).body)
        a2 = decode_int(c.call(Op.GET_ALL_CHILDREN_NUMBER, path_body("/")).body)
        if a == a2:
            break
    assert b == a + 1


def test_sync_reply_body(zk, base):
    c = zk.connect()
    w = c.create(base + "/s")
    r = c.sync(base)
    assert (r.err, r.body) == (0, ustr(base)) and r.zxid >= w.zxid


# --------------------------------------------------------------------------
# four-letter words

VERSION_RE = r"Zookeeper version: [^\n]+, built on [^\n]+"
SRVR_TAIL_RE = (r"Latency min/avg/max: \d+/\d+(\.\d+)?/\d+\n"
                r"Received: \d+\nSent: \d+\nConnections: \d+\nOutstanding: \d+\n"
                r"Zxid: 0x[0-9a-f]+\nMode: standalone\nNode count: \d+\n"
                # ZooKeeper appends lines after Node count in some modes
                # (a leader's "Proposal sizes"); Cairn appends its storage lines.
                r"(?:[A-Z][A-Za-z ]*: [^\n]+\n)*")
CONN_RE = (r" /127\.0\.0\.1:\d+\[\d\]\(queued=\d+,recved=\d+,sent=\d+"
           r"(,sid=0x[0-9a-f]+,lop=[A-Z]+,est=\d+,to=\d+,lcxid=0x[0-9a-f]+,lzxid=0x[0-9a-f]+,"
           r"lresp=-?\d+,llat=\d+,minlat=\d+,avglat=\d+,maxlat=\d+)?\)\n")


def fw(hosts, word):
    return zkwire.four_letter(hosts, word, timeout=10.0).decode("utf-8", "replace")


def test_4lw_ruok_isro(hosts):
    assert zkwire.four_letter(hosts, "ruok") == b"imok"
    assert zkwire.four_letter(hosts, "isro") == b"rw"


def test_4lw_srvr(hosts):
    out = fw(hosts, "srvr")
    assert re.fullmatch(VERSION_RE + r"\n" + SRVR_TAIL_RE, out), out


def test_4lw_stat(zk, hosts):
    c = zk.connect()
    c.ping()
    out = fw(hosts, "stat")
    assert re.fullmatch(VERSION_RE + r"\nClients:\n( /127\.0\.0\.1:\d+\[\d\]\(queued=\d+,recved=\d+,"
                        r"sent=\d+\)\n)+\n" + SRVR_TAIL_RE, out), out
    # the asking connection itself is listed, as interest 0, recved=1, sent=0
    assert re.search(r" /127\.0\.0\.1:\d+\[0\]\(queued=0,recved=1,sent=0\)\n", out)


def test_4lw_cons(zk, hosts):
    c = zk.connect()
    c.get_data("/")
    sid = c.session.session_id
    out = fw(hosts, "cons")
    assert re.fullmatch(r"(%s)+\n" % CONN_RE, out), out
    line = [l for l in out.split("\n") if "sid=0x%x," % sid in l]
    assert len(line) == 1
    assert re.search(r"\[1\]\(queued=0,recved=2,sent=2,sid=0x%x,lop=GETD,est=\d+,to=30000,"
                     r"lcxid=0x1,lzxid=0x[0-9a-f]+," % sid, line[0]), line[0]
    # est is wall-clock ms; lresp is ZooKeeper's elapsed time (a monotonic
    # clock), far below any wall-clock time since 1970.
    est = int(re.search(r"est=(\d+)", line[0]).group(1))
    lresp = int(re.search(r"lresp=(-?\d+)", line[0]).group(1))
    assert 0 < lresp < est // 2, line[0]


def test_4lw_conf(hosts):
    out = fw(hosts, "conf")
    lines = out.split("\n")
    assert lines[-1] == ""
    ks = [l.split("=", 1)[0] for l in lines[:-1]]
    assert ks == ["clientPort", "secureClientPort", "dataDir", "dataDirSize", "dataLogDir",
                  "dataLogSize", "tickTime", "maxClientCnxns", "minSessionTimeout",
                  "maxSessionTimeout", "clientPortListenBacklog", "serverId"]
    kv = dict(l.split("=", 1) for l in lines[:-1])
    assert kv["secureClientPort"] == "-1" and kv["tickTime"] == "2000"
    assert kv["minSessionTimeout"] == "4000" and kv["maxSessionTimeout"] == "40000"
    assert kv["clientPortListenBacklog"] == "-1" and kv["serverId"] == "0"
    assert kv["dataDir"].endswith("/version-2") and kv["dataLogDir"].endswith("/version-2")
    assert re.fullmatch(r"\d+", kv["dataDirSize"]) and re.fullmatch(r"\d+", kv["maxClientCnxns"])


def test_4lw_envi(hosts):
    out = fw(hosts, "envi")
    lines = out.split("\n")
    assert lines[0] == "Environment:" and lines[-1] == ""
    ks = [l.split("=", 1)[0] for l in lines[1:-1]]
    assert ks == ["zookeeper.version", "host.name", "java.version", "java.vendor", "java.home",
                  "java.class.path", "java.library.path", "java.io.tmpdir", "java.compiler",
                  "os.name", "os.arch", "os.version", "user.name", "user.home", "user.dir",
                  "os.memory.free", "os.memory.max", "os.memory.total"]
    kv = dict(l.split("=", 1) for l in lines[1:-1])
    for k in ("os.memory.free", "os.memory.max", "os.memory.total"):
        assert re.fullmatch(r"\d+MB", kv[k]), kv[k]


def test_4lw_mntr(zk, hosts):
    zk.connect().ping()
    out = fw(hosts, "mntr")
    lines = out.split("\n")
    assert lines[-1] == ""
    for l in lines[:-1]:
        assert re.fullmatch(r"zk_\S+\t\S.*", l), l
    ks = [l.split("\t", 1)[0] for l in lines[:-1]]
    kv = dict(l.split("\t", 1) for l in lines[:-1])
    assert ks[:10] == ["zk_version", "zk_server_state", "zk_ephemerals_count",
                       "zk_num_alive_connections", "zk_avg_latency", "zk_outstanding_requests",
                       "zk_znode_count", "zk_global_sessions", "zk_non_mtls_remote_conn_count",
                       "zk_last_client_response_size"]
    assert kv["zk_server_state"] == "standalone"
    assert re.fullmatch(r"[^\t]+, built on .+", kv["zk_version"])
    assert re.fullmatch(r"\d+\.\d+", kv["zk_avg_latency"])
    for k in ("zk_packets_sent", "zk_packets_received", "zk_watch_count", "zk_znode_count",
              "zk_approximate_data_size", "zk_open_file_descriptor_count",
              "zk_max_file_descriptor_count", "zk_min_latency", "zk_max_latency",
              "zk_outstanding_requests", "zk_uptime"):
        assert re.fullmatch(r"\d+", kv[k]), k
    assert len(ks) == len(set(ks))


def test_4lw_watch_listings(zk, base, hosts):
    c = zk.connect()
    sid = c.session.session_id
    n = base + "/w"
    c.create(n)
    c.get_data(n, watch=True)
    c.exists(base + "/missing", watch=True)
    c.get_children(base, watch=True)  # child watches are not listed by wchs/wchc/wchp
    wchs = fw(hosts, "wchs")
    assert re.fullmatch(r"\d+ connections watching \d+ paths\nTotal watches:\d+\n", wchs), wchs
    wchc = fw(hosts, "wchc")
    assert re.fullmatch(r"(0x[0-9a-f]+\n(\t/[^\n]*\n)+)*\n", wchc), wchc
    blocks = {}
    current = None
    for line in wchc.split("\n"):
        if line.startswith("0x"):
            current = blocks.setdefault(int(line, 16), [])
        elif line.startswith("\t"):
            current.append(line[1:])
    assert sorted(blocks[sid]) == sorted([n, base + "/missing"])
    wchp = fw(hosts, "wchp")
    assert re.fullmatch(r"(/[^\n]*\n(\t0x[0-9a-f]+\n)+)*\n", wchp), wchp
    assert "%s\n\t0x%x\n" % (n, sid) in wchp
    assert "\n%s\n" % base not in "\n" + wchp


def test_4lw_dirs_dump_reset(zk, base, hosts):
    assert re.fullmatch(r"datadir_size: \d+\nlogdir_size: \d+\n", fw(hosts, "dirs"))
    c = zk.connect()
    c.create(base + "/e", flags=Flags.EPHEMERAL)
    sid = c.session.session_id
    out = fw(hosts, "dump")
    assert re.fullmatch(
        r"SessionTracker dump:\nSession Sets \(\d+\)/\(\d+\):\n"
        r"(\d+ expire at [A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d \S+ \d{4}:\n(\t0x[0-9a-f]+\n)*)*"
        r"ephemeral nodes dump:\nSessions with Ephemerals \(\d+\):\n"
        r"(0x[0-9a-f]+:\n(\t/[^\n]*\n)*)*"
        r"Connections dump:\nConnections Sets \(\d+\)/\(\d+\):\n"
        r"(\d+ expire at [^\n]+:\n(\tip: /127\.0\.0\.1:\d+ sessionId: 0x[0-9a-f]+\n)*)*", out), out
    assert "0x%x:\n\t%s/e\n" % (sid, base) in out
    assert fw(hosts, "crst") == "Connection stats reset.\n"
    assert fw(hosts, "srst") == "Server stats reset.\n"


@pytest.mark.parametrize("word", ["xxxx", "RUOK", "abcd", "lsnp"])
def test_4lw_unknown_word_closes_silently(hosts, word):
    # not a command: read as a frame length (> jute.maxbuffer) -> just closed
    assert zkwire.four_letter(hosts, word) == b""


def test_4lw_after_handshake_is_not_a_command(zk):
    c = zk.connect()
    c.send_raw(b"ruok")
    assert c.wait_closed(2.0) == (True, [])


# --------------------------------------------------------------------------
# malformed input


def _assert_only_that_connection_closed(zk, action):
    keeper = zk.connect()
    c = zk.raw()
    action(c)
    closed, frames = c.wait_closed(3.0)
    assert closed
    assert keeper.ping().err == 0
    return frames


def test_garbage_after_connect(zk):
    frames = _assert_only_that_connection_closed(
        zk, lambda c: (c.connect(), c.send_raw(b"\x00\x00\x00\x05hello")))
    assert frames == []
    _assert_only_that_connection_closed(zk, lambda c: (c.connect(), c.send_frame(b"\0\0\0\1")))
    _assert_only_that_connection_closed(zk, lambda c: (c.connect(), c.send_raw(struct.pack(">i", 0))))


@pytest.mark.parametrize("when", ["before", "after"])
def test_frame_length_over_limit(zk, when):
    def act(c):
        if when == "after":
            c.connect()
        c.send_raw(struct.pack(">i", 0x100000) + b"\0" * 64)  # 1 MiB > jute.maxbuffer
    assert _assert_only_that_connection_closed(zk, act) == []


def test_frame_length_at_limit_accepted(zk):
    c = zk.connect()
    body = get_data_body("/")
    pad = 0xFFFFF - 8 - len(body)  # frame of exactly jute.maxbuffer (1 MiB - 1)
    c.send_frame(struct.pack(">ii", 7, Op.GET_DATA) + body + b"\0" * pad)
    r = c.recv_reply()
    assert r.xid == 7 and r.err == 0  # trailing bytes after the record are ignored


@pytest.mark.parametrize("when", ["before", "after"])
def test_negative_frame_length(zk, when):
    def act(c):
        if when == "after":
            c.connect()
        c.send_raw(struct.pack(">i", -5))
    assert _assert_only_that_connection_closed(zk, act) == []


def test_truncated_frame_then_close(zk):
    def connect_part(c):
        c.send_raw(struct.pack(">i", 44) + b"\0" * 10)
        c.sock.shutdown(socket.SHUT_WR)

    def request_part(c):
        c.connect()
        c.send_raw(struct.pack(">i", 100) + b"\0" * 10)
        c.sock.shutdown(socket.SHUT_WR)
    assert _assert_only_that_connection_closed(zk, connect_part) == []
    assert _assert_only_that_connection_closed(zk, request_part) == []


def test_malformed_connect_request(zk):
    _assert_only_that_connection_closed(zk, lambda c: c.send_frame(b"\x01\x02\x03"))


def test_undecodable_request_body(zk, base):
    c = zk.connect()
    before = ping_zxid(c)
    r = c.call(Op.GET_DATA, b"\x00\x00")
    assert (r.err, r.body) == (Err.MARSHALLINGERROR, b"")
    r = c.call(Op.GET_DATA, Writer().int(1000).raw(b"/").bool(False).bytes())
    assert (r.err, r.body) == (Err.MARSHALLINGERROR, b"")
    r = c.call(Op.CREATE, b"\x00\x00")
    assert (r.err, r.body) == (Err.MARSHALLINGERROR, b"") and r.zxid > before
    assert c.ping().err == 0


def test_watches_belong_to_the_connection_not_the_session(zk, base):
    # ZooKeeper keeps watches on the connection: when it closes they go, and
    # a client that resumes its session must re-register them (setWatches).
    n = base + "/w"
    owner = zk.connect()
    assert owner.create(n, b"a").err == 0
    c = zk.connect()
    sid, pw = c.session.session_id, c.session.passwd
    assert c.get_data(n, watch=True).err == 0
    assert c.get_children(n, watch=True).err == 0
    c.close()  # TCP close, no closeSession
    resumed = zk.raw()
    assert resumed.connect(session_id=sid, passwd=pw).session_id == sid
    assert resumed.ping().err == 0
    assert owner.set_data(n, b"b").err == 0
    assert owner.create(n + "/kid").err == 0
    assert resumed.ping().err == 0
    assert resumed.no_event(timeout=0.5)
