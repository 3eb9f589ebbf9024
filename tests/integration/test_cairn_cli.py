"""cairn-cli against real servers: one-shot commands (output in zkCli's
formats, exit codes, binary data), `watch`, and the interactive shell under a
pty (readline: prompt, history, completion, events printed as they arrive).
Every case runs against Cairn and against Apache ZooKeeper (Debian's).
"""

import os
import subprocess
import sys
import uuid

import pexpect
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "interop"))

import harness  # noqa: E402

CLI = os.environ.get("CAIRN_CLI_BIN", "")
TIMEOUT_S = 30

pytestmark = pytest.mark.skipif(not CLI or not harness.server_bin(),
                                reason="needs CAIRN_CLI_BIN and CAIRN_SERVER_BIN (run via ctest)")


def cli(server, *args, check=None):
    p = subprocess.run([CLI, "-server", server.hosts] + list(args), capture_output=True,
                       timeout=TIMEOUT_S)
    out, err = p.stdout.decode(), p.stderr.decode()
    if check is not None:
        assert p.returncode == check, (args, p.returncode, out, err)
    return p.returncode, out, err


@pytest.fixture
def root(server):
    path = "/cli-" + uuid.uuid4().hex[:8]
    cli(server, "create", path, "root", check=0)
    yield path
    cli(server, "deleteall", path)


def test_one_shot_commands_print_what_zkcli_prints(server, root):
    # zkCli prints "Created" on stderr; scripts written for it look there.
    assert cli(server, "create", root + "/a", "hello", check=0)[2] == "Created %s/a\n" % root
    assert cli(server, "create", "-s", root + "/seq-", "x", check=0)[2].startswith(
        "Created %s/seq-00000000" % root)
    cli(server, "create", "-c", root + "/box", check=0)
    assert cli(server, "ls", root, check=0)[1].startswith("[a, box, seq-00000000")
    rc, out, _ = cli(server, "get", "-s", root + "/a", check=0)
    lines = out.splitlines()
    assert lines[0] == "hello"
    assert [l.split(" = ")[0] for l in lines[1:]] == [
        "cZxid", "ctime", "mZxid", "mtime", "pZxid", "cversion", "dataVersion", "aclVersion",
        "ephemeralOwner", "dataLength", "numChildren"]
    assert "dataLength = 5" in lines
    cli(server, "set", "-v", "0", root + "/a", "world", check=0)
    assert "dataVersion = 1" in cli(server, "stat", root + "/a", check=0)[1]
    cli(server, "create", root + "/a/deep", check=0)
    # zkCli's order: the node, its children, then each child's subtree.
    lines = cli(server, "ls", "-R", root, check=0)[1].splitlines()
    assert lines[:3] == [root, root + "/a", root + "/box"]
    assert lines[3].startswith(root + "/seq-")
    assert lines[4:] == [root + "/a/deep"]
    cli(server, "delete", root + "/a/deep", check=0)
    assert cli(server, "getAcl", root + "/a", check=0)[1] == "'world,'anyone\n: cdrwa\n"
    assert cli(server, "getAllChildrenNumber", root, check=0)[1] == "3\n"
    # Data with quotes inside a word keeps them (the shell's word rule).
    script = 'set %s/a {"k":"v"}\nget %s/a\nquit\n' % (root, root)
    p = subprocess.run([CLI, "-server", server.hosts], input=script.encode(),
                       capture_output=True, timeout=TIMEOUT_S)
    assert p.stdout.decode().splitlines() == ['{"k":"v"}']
    assert cli(server, "sync", root, check=0)[1] == "Sync is OK\n"
    assert cli(server, "whoami", check=0)[1].splitlines() == ["Auth scheme: User",
                                                              "ip: 127.0.0.1"]
    cli(server, "setAcl", root + "/box", "world:anyone:r", check=0)
    assert cli(server, "getAcl", root + "/box", check=0)[1] == "'world,'anyone\n: r\n"
    cli(server, "delete", root + "/box", check=0)


def test_errors_have_zkclis_words_and_exit_codes_fit_scripts(server, root):
    assert cli(server, "get", root + "/nope", check=1)[2] == \
        "Node does not exist: %s/nope\n" % root
    assert cli(server, "create", root, check=1)[2] == "Node already exists: %s\n" % root
    cli(server, "create", root + "/kid", check=0)
    assert cli(server, "delete", root, check=1)[2] == "Node not empty: %s\n" % root
    assert cli(server, "set", "-v", "7", root, "x", check=1)[2] == \
        "version No is not valid : %s\n" % root
    cli(server, "create", root + "/ro", "", "world:anyone:r", check=0)
    assert cli(server, "set", root + "/ro", "x", check=1)[2] == \
        "Insufficient permission : %s/ro\n" % root
    assert cli(server, "ls", check=2)[2] == "ls [-s] [-w] [-R] path\n"
    assert cli(server, "frobnicate", check=2)[2].startswith("Command not found: frobnicate")
    assert cli(server, "create", "-c", "-e", root + "/x", check=2)[2] == \
        "-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.\n"
    assert cli(server, "create", "-t", "soon", root + "/x", check=2)[2] == \
        "-t argument must be a long value\n"
    assert cli(server, "ls", "-x", root, check=2)[2] == "Unrecognized option: -x\n"
    # zkCli's old form still works, with its warning.
    rc, out, err = cli(server, "get", root, "watch", check=0)
    assert out == "root\n" and "'get path [watch]' has been deprecated" in err
    p = subprocess.run([CLI, "-server", "127.0.0.1:%d" % harness.free_port(), "-timeout", "3000",
                        "ls", "/"], capture_output=True, timeout=TIMEOUT_S)
    assert p.returncode == 3
    assert b"Unable to connect" in p.stderr


def test_binary_data_is_escaped_and_text_is_not(server, root):
    cli(server, "create", root + "/bin", "a\x01b\\c", check=0)
    assert cli(server, "get", root + "/bin", check=0)[1] == "a\\x01b\\\\c\n"
    cli(server, "create", root + "/utf8", "grüße\tok\\", check=0)
    assert cli(server, "get", root + "/utf8", check=0)[1] == "grüße\tok\\\n"


def test_watch_prints_each_event_until_its_count(server, root):
    watcher = subprocess.Popen([CLI, "-server", server.hosts, "watch", "-R", "-c", "3", root],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # Until the watch is set, changes would go unseen: wait for it.
        assert harness.wait_until(lambda: _has_watch(server, root), timeout=TIMEOUT_S)
        cli(server, "set", root, "1", check=0)
        cli(server, "create", root + "/child", check=0)
        cli(server, "delete", root + "/child", check=0)
        out, err = watcher.communicate(timeout=TIMEOUT_S)
    finally:
        watcher.kill()
    assert watcher.returncode == 0, err
    assert out.decode().splitlines() == [
        "WatchedEvent state:SyncConnected type:NodeDataChanged path:%s" % root,
        "WatchedEvent state:SyncConnected type:NodeCreated path:%s/child" % root,
        "WatchedEvent state:SyncConnected type:NodeDeleted path:%s/child" % root,
    ]


def _has_watch(server, path):
    host, port = server.hosts.split(":")
    try:
        return path in harness.four_letter_word(host, int(port), "wchp")
    except OSError:
        return False


def test_shell_under_a_pty_has_prompt_history_completion_and_live_events(server, root,
                                                                          tmp_path):
    env = dict(os.environ, HOME=str(tmp_path), TERM="dumb")
    shell = pexpect.spawn(CLI, ["-server", server.hosts], env=env, encoding="utf-8",
                          timeout=TIMEOUT_S)
    try:
        shell.expect(r"\[zk: 127\.0\.0\.1:\d+\(CONNECTED\) 0\] ")
        shell.sendline("create %s/shell data" % root)
        shell.expect("Created %s/shell" % root)
        shell.expect(r"\(CONNECTED\) 1\] ")
        # Completion: a command name, then a znode path.
        shell.send("getAllCh\t")
        shell.expect("getAllChildrenNumber")
        shell.send(" %s/sh\t" % root)
        shell.expect("%s/shell" % root)
        shell.sendline("")
        shell.expect("\r\n0\r\n")
        # A one-shot watch set in the shell fires while the shell waits at
        # its prompt; the event is printed above the prompt.
        shell.sendline("get -w %s/shell" % root)
        shell.expect("data")
        shell.expect(r"\(CONNECTED\) 3\] ")
        cli(server, "set", root + "/shell", "changed", check=0)
        shell.expect("WATCHER::")
        shell.expect("WatchedEvent state:SyncConnected type:NodeDataChanged path:%s/shell" % root)
        shell.sendline("history")
        shell.expect("0 - create %s/shell data" % root)
        shell.sendline("redo 0")
        shell.expect("Node already exists: %s/shell" % root)
        shell.sendline("quit")
        shell.expect(pexpect.EOF)
    finally:
        shell.close(force=True)
    with open(os.path.join(str(tmp_path), ".cairn_cli_history")) as f:
        saved = f.read()
    assert "create %s/shell data" % root in saved


def test_shell_reads_a_script_from_stdin(server, root):
    script = "create %s/s1 one\nget %s/s1\nls %s\nquit\n" % (root, root, root)
    p = subprocess.run([CLI, "-server", server.hosts], input=script.encode(),
                       capture_output=True, timeout=TIMEOUT_S)
    assert p.returncode == 0
    assert p.stdout.decode().splitlines() == ["one", "[s1]"]
    assert p.stderr.decode().splitlines() == ["Created %s/s1" % root]
