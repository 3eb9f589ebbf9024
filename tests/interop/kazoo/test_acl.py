"""ACLs and authentication through kazoo: digest/auth/world/ip schemes, per-permission checks, superuser and aversion.

Clients that must not be authenticated come from zk_factory() without
auth_data; `root` is cleaned up by a superuser, so tests may leave locked nodes.
"""

import pytest

from kazoo.exceptions import (
    AuthFailedError,
    BadVersionError,
    InvalidACLError,
    NoAuthError,
)
from kazoo.protocol.states import KazooState
from kazoo.security import (
    ACL,
    CREATOR_ALL_ACL,
    OPEN_ACL_UNSAFE,
    READ_ACL_UNSAFE,
    Id,
    Permissions,
    make_acl,
    make_digest_acl,
    make_digest_acl_credential,
)

import harness


def test_digest_acl_requires_auth(zk, zk_factory, root):
    acl = make_digest_acl("alice", "secret", all=True)
    path = zk.create(root + "/private", b"data", acl=[acl])
    with pytest.raises(NoAuthError):
        zk.get(path)
    with pytest.raises(NoAuthError):
        zk.set(path, b"x")
    with pytest.raises(NoAuthError):
        zk.get_children(path)
    with pytest.raises(NoAuthError):
        zk.create(path + "/child")
    # exists needs no permission at all.
    assert zk.exists(path).dataLength == 4

    alice = zk_factory()
    alice.add_auth("digest", "alice:secret")
    assert alice.get(path)[0] == b"data"
    alice.set(path, b"new")
    alice.create(path + "/child")
    assert alice.get_children(path) == ["child"]


def test_auth_data_in_constructor(zk_factory, root):
    acl = make_digest_acl("bob", "pw", read=True, write=True)
    owner = zk_factory(auth_data=[("digest", "bob:pw")])
    path = owner.create(root + "/n", b"v", acl=[acl])
    assert owner.get(path)[0] == b"v"


def test_wrong_password_does_not_authenticate(zk_factory, root):
    path = zk_factory().create(root + "/n", acl=[make_digest_acl("carol", "right", all=True)])
    mallory = zk_factory()
    mallory.add_auth("digest", "carol:wrong")  # digest auth itself never fails
    with pytest.raises(NoAuthError):
        mallory.get(path)
    mallory.add_auth("digest", "carol:right")  # identities accumulate
    assert mallory.get(path)[0] == b""


def test_get_acls_and_set_acls_bump_aversion(zk, root):
    path = zk.create(root + "/n")
    acls, stat = zk.get_acls(path)
    assert acls == OPEN_ACL_UNSAFE
    assert stat.aversion == 0
    digest = make_digest_acl("dave", "pw", read=True, admin=True)
    stat = zk.set_acls(path, [digest, make_acl("world", "anyone", read=True)])
    assert stat.aversion == 1
    assert stat.version == 0  # data version untouched
    zk.add_auth("digest", "dave:pw")
    acls, stat = zk.get_acls(path)
    assert stat.aversion == 1
    assert sorted((a.perms, a.id.scheme, a.id.id) for a in acls) == sorted([
        (Permissions.READ | Permissions.ADMIN, "digest",
         "dave:" + make_digest_acl_credential("dave", "pw").split(":", 1)[1]),
        (Permissions.READ, "world", "anyone"),
    ])
    with pytest.raises(BadVersionError):
        zk.set_acls(path, OPEN_ACL_UNSAFE, version=0)
    assert zk.set_acls(path, OPEN_ACL_UNSAFE, version=1).aversion == 2
    assert zk.get_acls(path)[0] == OPEN_ACL_UNSAFE


def test_digest_credential_format(zk, root):
    acl = make_digest_acl("erin", "pw", all=True)
    assert acl.id.scheme == "digest"
    assert acl.id.id == make_digest_acl_credential("erin", "pw")
    path = zk.create(root + "/n", acl=[acl])
    zk.add_auth("digest", "erin:pw")
    assert zk.get_acls(path)[0] == [acl]


def test_auth_scheme_acl_uses_session_identity(zk_factory, root):
    anonymous = zk_factory()
    with pytest.raises(InvalidACLError):
        anonymous.create(root + "/nope", acl=CREATOR_ALL_ACL)
    frank = zk_factory(auth_data=[("digest", "frank:pw")])
    path = frank.create(root + "/mine", b"f", acl=CREATOR_ALL_ACL)
    acls, _ = frank.get_acls(path)
    assert acls == [ACL(Permissions.ALL, Id("digest", make_digest_acl_credential("frank", "pw")))]
    with pytest.raises(NoAuthError):
        anonymous.get(path)


def test_world_read_only(zk, root):
    path = zk.create(root + "/ro", b"look", acl=READ_ACL_UNSAFE)
    assert zk.get(path)[0] == b"look"
    assert zk.get_children(path) == []
    assert zk.get_acls(path)[0] == READ_ACL_UNSAFE
    with pytest.raises(NoAuthError):
        zk.set(path, b"touch")
    with pytest.raises(NoAuthError):
        zk.create(path + "/child")
    with pytest.raises(NoAuthError):
        zk.set_acls(path, OPEN_ACL_UNSAFE)
    # Deleting needs DELETE on the parent, not on the node itself.
    zk.delete(path)
    assert zk.exists(path) is None


@pytest.mark.parametrize("perm", ["read", "write", "create", "delete", "admin"])
def test_single_permission(zk, zk_factory, root, perm):
    path = zk.create(root + "/n", b"d", acl=[make_acl("world", "anyone", **{perm: True})])
    zk_ops = {
        "read": lambda: zk.get(path),
        "write": lambda: zk.set(path, b"w"),
        "create": lambda: zk.create(path + "/c"),
        "admin": lambda: zk.set_acls(path, [make_acl("world", "anyone", **{perm: True})]),
    }
    for name, op in zk_ops.items():
        if name == perm:
            op()
        else:
            with pytest.raises(NoAuthError):
                op()
    # getACL needs READ or ADMIN.
    if perm in ("read", "admin"):
        zk.get_acls(path)
    else:
        with pytest.raises(NoAuthError):
            zk.get_acls(path)
    if perm == "delete":
        # A child made by the superuser can be removed with DELETE alone.
        su = zk_factory(auth_data=[("digest", "super:test")])
        su.create(path + "/c")
        zk.delete(path + "/c")
        assert su.exists(path).numChildren == 0


def test_superuser_bypasses_acls(zk_factory, root):
    owner = zk_factory()
    path = owner.create(root + "/locked", b"s", acl=[make_digest_acl("gina", "pw", read=True)])
    su = zk_factory()
    su.add_auth("digest", "super:test")
    assert su.get(path)[0] == b"s"
    su.set(path, b"overwritten")
    su.create(path + "/child")
    su.set_acls(path, OPEN_ACL_UNSAFE)
    assert owner.get(path)[0] == b"overwritten"


def test_nothing_allowed_acl(zk, root):
    path = zk.create(root + "/none", acl=[ACL(0, Id("world", "anyone"))])
    for op in (lambda: zk.get(path), lambda: zk.set(path, b""),
               lambda: zk.create(path + "/c"), lambda: zk.get_acls(path)):
        with pytest.raises(NoAuthError):
            op()


def test_default_acl(zk_factory, root):
    acl = make_digest_acl("hank", "pw", all=True)
    hank = zk_factory(default_acl=[acl], auth_data=[("digest", "hank:pw")])
    path = hank.create(root + "/d")
    made = root + "/e/f"
    hank.ensure_path(made)
    assert hank.get_acls(path)[0] == [acl]
    assert hank.get_acls(made)[0] == [acl]
    with pytest.raises(NoAuthError):
        zk_factory().get(path)


def test_ip_scheme(zk, root):
    mine = zk.create(root + "/mine", acl=[make_acl("ip", "127.0.0.1", all=True)])
    subnet = zk.create(root + "/subnet", acl=[make_acl("ip", "127.0.0.0/8", read=True)])
    other = zk.create(root + "/other", acl=[make_acl("ip", "10.1.2.3", all=True)])
    zk.get(mine)
    zk.get(subnet)
    with pytest.raises(NoAuthError):
        zk.set(subnet, b"x")
    with pytest.raises(NoAuthError):
        zk.get(other)


@pytest.mark.parametrize("acl", [
    make_acl("nosuchscheme", "x", all=True),
    make_acl("digest", "no-colon", all=True),
    make_acl("ip", "not-an-address", all=True),
], ids=["unknown-scheme", "bad-digest-id", "bad-ip"])
def test_invalid_acls_rejected(zk, root, acl):
    with pytest.raises(InvalidACLError):
        zk.create(root + "/bad", acl=[acl])
    with pytest.raises(InvalidACLError):
        zk.set_acls(root, [acl])
    assert zk.get_children(root) == []


def test_unknown_auth_scheme_fails_session(zk_factory):
    client = zk_factory()
    with pytest.raises(AuthFailedError):
        client.add_auth("nosuchscheme", "whatever")
    assert harness.wait_until(lambda: client.state == KazooState.LOST, 5.0)
