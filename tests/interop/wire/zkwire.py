"""zkwire -- a tiny raw-protocol ZooKeeper client for wire-level tests.

Standard library only (socket, struct, time).  It speaks the client port
protocol directly: every frame is a 4-byte big-endian length followed by a
jute-encoded record.  Nothing here hides what the server sent: replies come
back as (xid, zxid, err, raw body bytes) and decoding is a separate step, so
tests can assert exact bytes as well as decoded fields.

Jute encoding (big-endian):
  int     4 bytes signed          long    8 bytes signed
  bool    1 byte (0/1)            buffer  int length (-1 = null) + bytes
  ustring int length (-1 = null) + UTF-8 bytes
  vector  int count (-1 = null) + elements
"""

import socket
import struct
import time


# --------------------------------------------------------------------------
# constants


class Op:
    NOTIFICATION = 0
    CREATE = 1
    DELETE = 2
    EXISTS = 3
    GET_DATA = 4
    SET_DATA = 5
    GET_ACL = 6
    SET_ACL = 7
    GET_CHILDREN = 8
    SYNC = 9
    PING = 11
    GET_CHILDREN2 = 12
    CHECK = 13
    MULTI = 14
    CREATE2 = 15
    RECONFIG = 16
    CHECK_WATCHES = 17
    REMOVE_WATCHES = 18
    CREATE_CONTAINER = 19
    DELETE_CONTAINER = 20
    CREATE_TTL = 21
    MULTI_READ = 22
    AUTH = 100
    SET_WATCHES = 101
    SASL = 102
    GET_EPHEMERALS = 103
    GET_ALL_CHILDREN_NUMBER = 104
    SET_WATCHES2 = 105
    ADD_WATCH = 106
    WHO_AM_I = 107
    CREATE_SESSION = -10
    CLOSE_SESSION = -11
    ERROR = -1


class Err:
    OK = 0
    SYSTEMERROR = -1
    RUNTIMEINCONSISTENCY = -2
    DATAINCONSISTENCY = -3
    CONNECTIONLOSS = -4
    MARSHALLINGERROR = -5
    UNIMPLEMENTED = -6
    OPERATIONTIMEOUT = -7
    BADARGUMENTS = -8
    UNKNOWNSESSION = -12
    NEWCONFIGNOQUORUM = -13
    RECONFIGINPROGRESS = -14
    APIERROR = -100
    NONODE = -101
    NOAUTH = -102
    BADVERSION = -103
    NOCHILDRENFOREPHEMERALS = -108
    NODEEXISTS = -110
    NOTEMPTY = -111
    SESSIONEXPIRED = -112
    INVALIDCALLBACK = -113
    INVALIDACL = -114
    AUTHFAILED = -115
    SESSIONMOVED = -118
    NOTREADONLY = -119
    EPHEMERALONLOCALSESSION = -120
    NOWATCHER = -121
    REQUESTTIMEOUT = -122
    RECONFIGDISABLED = -123
    SESSIONCLOSEDREQUIRESASLAUTH = -124
    QUOTAEXCEEDED = -125
    THROTTLEDOP = -127


class Perm:
    READ = 1
    WRITE = 2
    CREATE = 4
    DELETE = 8
    ADMIN = 16
    ALL = 31


class Flags:  # CreateMode on the wire
    PERSISTENT = 0
    EPHEMERAL = 1
    PERSISTENT_SEQUENTIAL = 2
    EPHEMERAL_SEQUENTIAL = 3
    CONTAINER = 4
    PERSISTENT_WITH_TTL = 5
    PERSISTENT_SEQUENTIAL_WITH_TTL = 6


class EventType:
    NONE = -1
    NODE_CREATED = 1
    NODE_DELETED = 2
    NODE_DATA_CHANGED = 3
    NODE_CHILDREN_CHANGED = 4
    DATA_WATCH_REMOVED = 5
    CHILD_WATCH_REMOVED = 6
    PERSISTENT_WATCH_REMOVED = 7


class State:
    DISCONNECTED = 0
    SYNC_CONNECTED = 3
    AUTH_FAILED = 4
    CONNECTED_READ_ONLY = 5
    SASL_AUTHENTICATED = 6
    CLOSED = 7
    EXPIRED = -112


class WatcherType:  # checkWatches / removeWatches
    CHILDREN = 1
    DATA = 2
    ANY = 3


class AddWatchMode:
    PERSISTENT = 0
    PERSISTENT_RECURSIVE = 1


class Xid:
    NOTIFICATION = -1
    PING = -2
    AUTH = -4
    SET_WATCHES = -8


# --------------------------------------------------------------------------
# jute encoding


class Writer:
    def __init__(self):
        self.buf = bytearray()

    def int(self, v):
        self.buf += struct.pack(">i", v)
        return self

    def long(self, v):
        self.buf += struct.pack(">q", v)
        return self

    def bool(self, v):
        self.buf += b"\x01" if v else b"\x00"
        return self

    def buffer(self, b):
        if b is None:
            return self.int(-1)
        self.int(len(b))
        self.buf += bytes(b)
        return self

    def ustring(self, s):
        if s is None:
            return self.int(-1)
        if isinstance(s, str):
            s = s.encode("utf-8", "surrogatepass")
        return self.buffer(s)

    def vector(self, items, fn):
        if items is None:
            return self.int(-1)
        self.int(len(items))
        for it in items:
            fn(self, it)
        return self

    def id(self, scheme, ident):
        return self.ustring(scheme).ustring(ident)

    def acl(self, a):
        self.int(a.perms)
        return self.id(a.scheme, a.id)

    def acls(self, acl_list):
        return self.vector(acl_list, Writer.acl)

    def strings(self, lst):
        return self.vector(lst, Writer.ustring)

    def raw(self, b):
        self.buf += bytes(b)
        return self

    def bytes(self):
        return bytes(self.buf)


class DecodeError(Exception):
    pass


class Reader:
    def __init__(self, data, pos=0):
        self.data = bytes(data)
        self.pos = pos

    def _take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise DecodeError("need %d bytes at %d of %d" % (n, self.pos, len(self.data)))
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def int(self):
        return struct.unpack(">i", self._take(4))[0]

    def long(self):
        return struct.unpack(">q", self._take(8))[0]

    def bool(self):
        return self._take(1) != b"\x00"

    def buffer(self):
        n = self.int()
        if n == -1:
            return None
        return self._take(n)

    def ustring(self):
        b = self.buffer()
        return None if b is None else b.decode("utf-8", "surrogateescape")

    def vector(self, fn):
        n = self.int()
        if n == -1:
            return None
        return [fn(self) for _ in range(n)]

    def strings(self):
        return self.vector(Reader.ustring)

    def stat(self):
        return Stat(*[f(self) for f in STAT_FIELDS_READ])

    def acl(self):
        perms = self.int()
        scheme = self.ustring()
        ident = self.ustring()
        return ACL(perms, scheme, ident)

    def acls(self):
        return self.vector(Reader.acl)

    def remaining(self):
        return len(self.data) - self.pos

    def rest(self):
        return self._take(self.remaining())

    def done(self):
        return self.remaining() == 0


class ACL:
    def __init__(self, perms, scheme, id):
        self.perms = perms
        self.scheme = scheme
        self.id = id

    def __eq__(self, o):
        return isinstance(o, ACL) and (self.perms, self.scheme, self.id) == (o.perms, o.scheme, o.id)

    def __hash__(self):
        return hash((self.perms, self.scheme, self.id))

    def __repr__(self):
        return "ACL(%d, %r, %r)" % (self.perms, self.scheme, self.id)


OPEN_ACL_UNSAFE = [ACL(Perm.ALL, "world", "anyone")]
READ_ACL_UNSAFE = [ACL(Perm.READ, "world", "anyone")]
CREATOR_ALL_ACL = [ACL(Perm.ALL, "auth", "")]

STAT_FIELDS = ("czxid", "mzxid", "ctime", "mtime", "version", "cversion",
               "aversion", "ephemeralOwner", "dataLength", "numChildren", "pzxid")
STAT_FIELDS_READ = (Reader.long, Reader.long, Reader.long, Reader.long, Reader.int,
                    Reader.int, Reader.int, Reader.long, Reader.int, Reader.int,
                    Reader.long)
STAT_SIZE = 8 * 6 + 4 * 5  # 68 bytes


class Stat:
    __slots__ = STAT_FIELDS

    def __init__(self, *vals):
        for k, v in zip(STAT_FIELDS, vals):
            setattr(self, k, v)

    def as_dict(self):
        return {k: getattr(self, k) for k in STAT_FIELDS}

    def __eq__(self, o):
        return isinstance(o, Stat) and self.as_dict() == o.as_dict()

    def __repr__(self):
        return "Stat(%s)" % ", ".join("%s=%r" % kv for kv in self.as_dict().items())


def digest_id(user, password):
    """The id for a digest ACL: user:base64(sha1(user:password))."""
    import base64
    import hashlib
    d = hashlib.sha1(("%s:%s" % (user, password)).encode()).digest()
    return "%s:%s" % (user, base64.b64encode(d).decode())


# --------------------------------------------------------------------------
# request bodies


def path_body(path):
    return Writer().ustring(path).bytes()


def path_watch_body(path, watch=False):
    return Writer().ustring(path).bool(watch).bytes()


exists_body = path_watch_body
get_data_body = path_watch_body
get_children_body = path_watch_body
get_children2_body = path_watch_body
get_acl_body = path_body
sync_body = path_body
get_ephemerals_body = path_body
get_all_children_number_body = path_body


def create_body(path, data=b"", acl=None, flags=0):
    acl = OPEN_ACL_UNSAFE if acl is None else acl
    return Writer().ustring(path).buffer(data).acls(acl).int(flags).bytes()


def create_ttl_body(path, data=b"", acl=None, flags=Flags.PERSISTENT_WITH_TTL, ttl=1000):
    acl = OPEN_ACL_UNSAFE if acl is None else acl
    return Writer().ustring(path).buffer(data).acls(acl).int(flags).long(ttl).bytes()


def delete_body(path, version=-1):
    return Writer().ustring(path).int(version).bytes()


def set_data_body(path, data, version=-1):
    return Writer().ustring(path).buffer(data).int(version).bytes()


def set_acl_body(path, acl, version=-1):
    return Writer().ustring(path).acls(acl).int(version).bytes()


def check_body(path, version):
    return Writer().ustring(path).int(version).bytes()


def add_watch_body(path, mode):
    return Writer().ustring(path).int(mode).bytes()


def check_watches_body(path, wtype):
    return Writer().ustring(path).int(wtype).bytes()


remove_watches_body = check_watches_body


def auth_body(scheme, auth, type_=0):
    return Writer().int(type_).ustring(scheme).buffer(auth).bytes()


def set_watches_body(rel_zxid, data=(), exist=(), child=()):
    return (Writer().long(rel_zxid).strings(list(data)).strings(list(exist))
            .strings(list(child)).bytes())


def set_watches2_body(rel_zxid, data=(), exist=(), child=(), persistent=(), recursive=()):
    return (Writer().long(rel_zxid).strings(list(data)).strings(list(exist))
            .strings(list(child)).strings(list(persistent)).strings(list(recursive))
            .bytes())


def multi_body(ops):
    """ops: list of (opcode, body bytes).  Each op is MultiHeader(type, false,
    -1) followed by its body; the list ends with MultiHeader(-1, true, -1)."""
    w = Writer()
    for op, body in ops:
        w.int(op).bool(False).int(-1).raw(body)
    w.int(-1).bool(True).int(-1)
    return w.bytes()


# --------------------------------------------------------------------------
# response decoding


def decode_stat(body):
    r = Reader(body)
    st = r.stat()
    if not r.done():
        raise DecodeError("trailing %d bytes after Stat" % r.remaining())
    return st


def decode_get_data(body):
    r = Reader(body)
    data = r.buffer()
    st = r.stat()
    if not r.done():
        raise DecodeError("trailing bytes")
    return data, st


def decode_children(body):
    r = Reader(body)
    c = r.strings()
    if not r.done():
        raise DecodeError("trailing bytes")
    return c


def decode_children2(body):
    r = Reader(body)
    c = r.strings()
    st = r.stat()
    if not r.done():
        raise DecodeError("trailing bytes")
    return c, st


def decode_string(body):
    r = Reader(body)
    s = r.ustring()
    if not r.done():
        raise DecodeError("trailing bytes")
    return s


def decode_create2(body):
    r = Reader(body)
    p = r.ustring()
    st = r.stat()
    if not r.done():
        raise DecodeError("trailing bytes")
    return p, st


def decode_acl(body):
    r = Reader(body)
    a = r.acls()
    st = r.stat()
    if not r.done():
        raise DecodeError("trailing bytes")
    return a, st


def decode_int(body):
    r = Reader(body)
    v = r.int()
    if not r.done():
        raise DecodeError("trailing bytes")
    return v


def decode_who_am_i(body):
    r = Reader(body)
    lst = r.vector(lambda rr: (rr.ustring(), rr.ustring()))
    if not r.done():
        raise DecodeError("trailing bytes")
    return lst


class MultiResult:
    def __init__(self, type, done, err, body, value=None):
        self.type = type
        self.done = done
        self.err = err
        self.body = body      # raw bytes of the per-op record
        self.value = value    # decoded record (path, Stat, (data, Stat), ...)

    def __repr__(self):
        return "MultiResult(type=%d, done=%r, err=%d, value=%r)" % (
            self.type, self.done, self.err, self.value)


def decode_multi(body):
    """Returns (results, terminator) where terminator is the final
    MultiHeader as a (type, done, err) tuple.  Bounded by the body size."""
    r = Reader(body)
    results = []
    for _ in range(len(body) // 9 + 1):
        start = r.pos
        t, done, err = r.int(), r.bool(), r.int()
        if done:
            if not r.done():
                raise DecodeError("trailing bytes after multi terminator")
            return results, (t, done, err)
        vstart = r.pos
        if t in (Op.CREATE,):
            v = r.ustring()
        elif t == Op.CREATE2:
            v = (r.ustring(), r.stat())
        elif t in (Op.DELETE, Op.CHECK):
            v = None
        elif t == Op.SET_DATA:
            v = r.stat()
        elif t == Op.GET_CHILDREN:
            v = r.strings()
        elif t == Op.GET_DATA:
            v = (r.buffer(), r.stat())
        elif t == Op.ERROR:
            v = r.int()
        else:
            raise DecodeError("unknown multi result type %d at %d" % (t, start))
        results.append(MultiResult(t, done, err, r.data[vstart:r.pos], v))
    raise DecodeError("multi response without terminator")


class Reply:
    def __init__(self, xid, zxid, err, body, raw):
        self.xid = xid
        self.zxid = zxid
        self.err = err
        self.body = body
        self.raw = raw  # whole frame payload (without the length prefix)

    def __repr__(self):
        return "Reply(xid=%d, zxid=0x%x, err=%d, body=%d bytes)" % (
            self.xid, self.zxid, self.err, len(self.body))


class WatchEvent:
    def __init__(self, zxid, err, type, state, path, raw):
        self.zxid = zxid
        self.err = err
        self.type = type
        self.state = state
        self.path = path
        self.raw = raw

    def key(self):
        return (self.type, self.state, self.path)

    def __repr__(self):
        return "WatchEvent(type=%d, state=%d, path=%r, zxid=0x%x)" % (
            self.type, self.state, self.path, self.zxid)


def parse_reply(payload):
    if len(payload) < 16:
        raise DecodeError("reply shorter than ReplyHeader: %d" % len(payload))
    xid, zxid, err = struct.unpack(">iqi", payload[:16])
    return Reply(xid, zxid, err, payload[16:], payload)


def parse_event(reply):
    r = Reader(reply.body)
    t, s, p = r.int(), r.int(), r.ustring()
    if not r.done():
        raise DecodeError("trailing bytes after WatcherEvent")
    return WatchEvent(reply.zxid, reply.err, t, s, p, reply.raw)


class ConnectResponse:
    def __init__(self, raw):
        self.raw = raw
        r = Reader(raw)
        self.protocol_version = r.int()
        self.timeout = r.int()
        self.session_id = r.long()
        self.passwd = r.buffer()
        self.read_only = r.bool() if r.remaining() >= 1 else None
        self.trailing = r.rest()

    def __repr__(self):
        return "ConnectResponse(pv=%d, timeout=%d, sid=0x%x, passwd=%d bytes, ro=%r)" % (
            self.protocol_version, self.timeout, self.session_id,
            len(self.passwd or b""), self.read_only)


# --------------------------------------------------------------------------
# connection


class Closed(Exception):
    """The server closed the connection (EOF or reset)."""


class Timeout(Exception):
    pass


def parse_hosts(hosts):
    first = hosts.split(",")[0].strip()
    h, _, p = first.rpartition(":")
    return h, int(p)


MAX_FRAME = 64 * 1024 * 1024


class Connection:
    """One TCP connection to the client port."""

    def __init__(self, host, port=None, timeout=5.0):
        if port is None:
            host, port = parse_hosts(host)
        self.host, self.port = host, port
        self.timeout = timeout
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._rbuf = bytearray()
        self.events = []        # watch events read while waiting for replies
        self.next_xid = 1
        self.session = None     # ConnectResponse after connect()
        self.last_zxid = 0

    # ---- raw bytes ---------------------------------------------------
    def send_raw(self, data):
        self.sock.sendall(bytes(data))

    def send_frame(self, payload):
        self.send_raw(struct.pack(">i", len(payload)) + bytes(payload))

    def _fill(self, n, deadline):
        """Read until at least n bytes are buffered; bounded by deadline."""
        while len(self._rbuf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout("waited for %d bytes, have %d" % (n, len(self._rbuf)))
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise Timeout("waited for %d bytes, have %d" % (n, len(self._rbuf)))
            except (ConnectionResetError, BrokenPipeError, OSError) as e:
                raise Closed(str(e))
            if not chunk:
                raise Closed("EOF with %d bytes buffered" % len(self._rbuf))
            self._rbuf += chunk

    def recv_frame(self, timeout=None):
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        self._fill(4, deadline)
        (n,) = struct.unpack(">i", self._rbuf[:4])
        if n < 0 or n > MAX_FRAME:
            raise DecodeError("bad frame length %d" % n)
        self._fill(4 + n, deadline)
        payload = bytes(self._rbuf[4:4 + n])
        del self._rbuf[:4 + n]
        return payload

    def wait_closed(self, timeout=None):
        """True if the server closes the connection (EOF/reset) within
        timeout without sending anything else; frames that arrive meanwhile
        are returned in a list as the second element."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        frames = []
        for _ in range(10000):
            try:
                frames.append(self.recv_frame(max(0.0, deadline - time.monotonic())))
            except Closed:
                return True, frames
            except Timeout:
                return False, frames
        return False, frames

    def is_open(self, timeout=0.3):
        """False if the peer has closed (EOF seen within timeout)."""
        closed, frames = self.wait_closed(timeout)
        for f in frames:
            self._rbuf[0:0] = struct.pack(">i", len(f)) + f  # push back
        return not closed

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    # ---- handshake ---------------------------------------------------
    def connect(self, timeout_ms=30000, session_id=0, passwd=b"\x00" * 16,
                last_zxid=0, protocol_version=0, read_only=False,
                send_read_only=True, wait=True):
        w = (Writer().int(protocol_version).long(last_zxid).int(timeout_ms)
             .long(session_id).buffer(passwd))
        if send_read_only:
            w.bool(read_only)
        self.send_frame(w.bytes())
        if not wait:
            return None
        raw = self.recv_frame()
        self.session = ConnectResponse(raw)
        return self.session

    # ---- requests ----------------------------------------------------
    def alloc_xid(self):
        x = self.next_xid
        self.next_xid += 1
        return x

    def send_request(self, op, body=b"", xid=None):
        if xid is None:
            xid = self.alloc_xid()
        self.send_frame(struct.pack(">ii", xid, op) + bytes(body))
        return xid

    def recv_reply(self, timeout=None):
        return parse_reply(self.recv_frame(timeout))

    def read_until_xid(self, xid, timeout=None, max_frames=1000):
        """Read frames until the reply with this xid; watch events (xid -1)
        are stored in self.events, other frames are returned in 'others'."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        for _ in range(max_frames):
            rep = self.recv_reply(max(0.0, deadline - time.monotonic()))
            if rep.xid == Xid.NOTIFICATION:
                self.events.append(parse_event(rep))
                continue
            if rep.xid == xid:
                if rep.zxid > self.last_zxid:
                    self.last_zxid = rep.zxid
                return rep
            raise DecodeError("unexpected reply xid %d while waiting for %d" % (rep.xid, xid))
        raise Timeout("no reply for xid %d in %d frames" % (xid, max_frames))

    def call(self, op, body=b"", xid=None, timeout=None):
        x = self.send_request(op, body, xid)
        return self.read_until_xid(x, timeout)

    def next_event(self, timeout=2.0):
        """Next watch event (buffered first); raises Timeout."""
        if self.events:
            return self.events.pop(0)
        deadline = time.monotonic() + timeout
        for _ in range(1000):
            rep = self.recv_reply(max(0.0, deadline - time.monotonic()))
            if rep.xid == Xid.NOTIFICATION:
                return parse_event(rep)
            raise DecodeError("unexpected reply %r while waiting for an event" % rep)
        raise Timeout("no event")

    def no_event(self, timeout=0.3):
        """True if no watch event arrives within timeout."""
        if self.events:
            return False
        try:
            ev = self.next_event(timeout)
        except Timeout:
            return True
        self.events.insert(0, ev)
        return False

    # ---- convenience wrappers (return Reply) -------------------------
    def create(self, path, data=b"", acl=None, flags=0):
        return self.call(Op.CREATE, create_body(path, data, acl, flags))

    def create2(self, path, data=b"", acl=None, flags=0):
        return self.call(Op.CREATE2, create_body(path, data, acl, flags))

    def create_ttl(self, path, data=b"", acl=None, flags=Flags.PERSISTENT_WITH_TTL, ttl=1000):
        return self.call(Op.CREATE_TTL, create_ttl_body(path, data, acl, flags, ttl))

    def create_container(self, path, data=b"", acl=None, flags=Flags.CONTAINER):
        return self.call(Op.CREATE_CONTAINER, create_body(path, data, acl, flags))

    def delete(self, path, version=-1):
        return self.call(Op.DELETE, delete_body(path, version))

    def exists(self, path, watch=False):
        return self.call(Op.EXISTS, exists_body(path, watch))

    def get_data(self, path, watch=False):
        return self.call(Op.GET_DATA, get_data_body(path, watch))

    def set_data(self, path, data, version=-1):
        return self.call(Op.SET_DATA, set_data_body(path, data, version))

    def get_children(self, path, watch=False):
        return self.call(Op.GET_CHILDREN, get_children_body(path, watch))

    def get_children2(self, path, watch=False):
        return self.call(Op.GET_CHILDREN2, get_children2_body(path, watch))

    def get_acl(self, path):
        return self.call(Op.GET_ACL, get_acl_body(path))

    def set_acl(self, path, acl, version=-1):
        return self.call(Op.SET_ACL, set_acl_body(path, acl, version))

    def sync(self, path):
        return self.call(Op.SYNC, sync_body(path))

    def add_auth(self, scheme, auth):
        if isinstance(auth, str):
            auth = auth.encode()
        return self.call(Op.AUTH, auth_body(scheme, auth), xid=Xid.AUTH)

    def multi(self, ops):
        return self.call(Op.MULTI, multi_body(ops))

    def multi_read(self, ops):
        return self.call(Op.MULTI_READ, multi_body(ops))

    def ping(self):
        return self.call(Op.PING, b"", xid=Xid.PING)

    def close_session(self):
        return self.call(Op.CLOSE_SESSION, b"")

    def delete_tree(self, path, max_nodes=10000):
        """Best-effort recursive delete (bounded)."""
        stack = [path]
        order = []
        for _ in range(max_nodes):
            if not stack:
                break
            p = stack.pop()
            order.append(p)
            rep = self.get_children(p)
            if rep.err == Err.OK:
                for c in decode_children(rep.body):
                    stack.append(p.rstrip("/") + "/" + c)
        for p in reversed(order):
            self.delete(p)


def session(hosts, timeout_ms=30000, **kw):
    """Open a connection and complete the handshake."""
    c = Connection(hosts)
    c.connect(timeout_ms=timeout_ms, **kw)
    return c


def four_letter(hosts, word, timeout=5.0, max_bytes=16 * 1024 * 1024):
    """Send a four-letter word and read until EOF.  Returns bytes."""
    host, port = parse_hosts(hosts)
    if isinstance(word, str):
        word = word.encode()
    deadline = time.monotonic() + timeout
    out = bytearray()
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(word)
        for _ in range(100000):
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout("4lw %r: no EOF within %.1fs" % (word, timeout))
            s.settimeout(left)
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                raise Timeout("4lw %r: no EOF within %.1fs" % (word, timeout))
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
            if len(out) > max_bytes:
                break
    return bytes(out)
