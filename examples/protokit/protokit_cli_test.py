"""The protokit program against its contract, specs/cli.md: real processes, real sockets
on loopback, a Python client and nc. Every wait is on an event (a line printed, a socket
closed, a process exited) with a bound; nothing sleeps to let time pass."""

import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

PROTOKIT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "protokit")
BOUND = 10.0  # seconds: the most any single event may take


class Server:
    """A `protokit serve` process; reads its `listening on` lines."""

    def __init__(self, *args, command="serve"):
        # Unbuffered: readline() must not take more than one line from the pipe, or
        # select() would wait for lines already read.
        self.process = subprocess.Popen(
            [PROTOKIT, command, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
        )
        self.endpoints = []

    def read_listening(self, count):
        deadline = time.monotonic() + BOUND
        while len(self.endpoints) < count:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self.process.stdout], [], [], max(remaining, 0))
            if not ready:
                raise AssertionError("no `listening on` line within %ss" % BOUND)
            line = self.process.stdout.readline().decode()
            if not line:
                raise AssertionError("server exited: %s" % self.process.stderr.read().decode())
            self.endpoints.append(line.rstrip("\n"))
        return self.endpoints

    def tcp_port(self, index=0):
        return int(self.endpoints[index].rsplit(":", 1)[1])

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=BOUND + 15)
        finally:
            self.process.stdout.close()
            self.process.stderr.close()

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def connect(port, host="127.0.0.1"):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(BOUND)
    s.connect((host, port))
    return s


def read_until_closed(s):
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def read_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise AssertionError("closed after %r" % data)
        data += chunk
    return data


class ServeTest(unittest.TestCase):
    def start(self, *args, listening=1):
        server = Server(*args)
        self.addCleanup(server.kill)
        server.read_listening(listening)
        return server

    def test_line_listening_lines_and_answers(self):
        server = self.start("line", "--listen", "tcp:0:interface=127.0.0.1",
                            "--listen", "tcp:0:interface=::1", listening=2)
        self.assertRegex(server.endpoints[0], r"^listening on tcp:127\.0\.0\.1:[1-9][0-9]*$")
        self.assertRegex(server.endpoints[1], r"^listening on tcp:\[::1\]:[1-9][0-9]*$")
        for index, host in ((0, "127.0.0.1"), (1, "::1")):
            s = connect(server.tcp_port(index), host)
            s.sendall(b"hello\r\nwor")
            s.sendall(b"ld\nquit\nnot answered\n")
            self.assertEqual(read_until_closed(s),
                             b"You said: hello\r\nYou said: world\r\nGoodbye.\r\n")
            s.close()
        self.assertEqual(server.stop(), 0)

    def test_line_too_long_closes_without_waiting_for_lf(self):
        server = self.start("line", "--listen", "tcp:0:interface=127.0.0.1", "--max-line", "10")
        s = connect(server.tcp_port())
        s.sendall(b"0123456789\n" + b"x" * 11)  # the second line is over with no LF yet
        self.assertEqual(read_until_closed(s), b"You said: 0123456789\r\nerror: line too long\r\n")

    def test_line_trickled_past_the_line_timeout_is_answered_and_closed(self):
        server = self.start("line", "--listen", "tcp:0:interface=127.0.0.1",
                            "--line-timeout", "0.2")
        s = connect(server.tcp_port())
        s.sendall(b"ok\nsl")  # a whole line, then the start of one that never ends
        self.assertEqual(read_until_closed(s),
                         b"You said: ok\r\nerror: line timeout\r\n")
        self.assertEqual(server.stop(), 0)

    def test_line_timeout_is_refused_for_echo(self):
        out = subprocess.run([PROTOKIT, "serve", "echo", "--line-timeout", "5"],
                             capture_output=True, stdin=subprocess.DEVNULL, timeout=BOUND)
        self.assertEqual(out.returncode, 2, out.stderr)

    def test_line_with_nc(self):
        if shutil.which("nc") is None:
            self.skipTest("nc is not installed")
        server = self.start("line", "--listen", "tcp:0:interface=127.0.0.1")
        out = subprocess.run(["nc", "-q", "5", "127.0.0.1", str(server.tcp_port())],
                             input=b"hi\nquit\n", capture_output=True, timeout=BOUND)
        self.assertEqual(out.stdout, b"You said: hi\r\nGoodbye.\r\n")

    def test_echo_sends_every_byte_back(self):
        server = self.start("echo", "--listen", "tcp:0:interface=127.0.0.1")
        s = connect(server.tcp_port())
        payload = bytes(range(256)) * 400
        s.sendall(payload)
        self.assertEqual(read_exactly(s, len(payload)), payload)

    def test_reverse_reverses_lines_and_quit_closes(self):
        server = self.start("reverse", "--listen", "tcp:0:interface=127.0.0.1")
        s = connect(server.tcp_port())
        s.sendall(b"abc\r\nhello world\nquit\n")
        self.assertEqual(read_until_closed(s), b"cba\r\ndlrow olleh\r\n")

    def test_unix_socket(self):
        # /tmp: a Unix socket path has at most 107 bytes, and TEST_TMPDIR is deeper.
        directory = tempfile.mkdtemp(prefix="protokit-", dir="/tmp")
        self.addCleanup(shutil.rmtree, directory, True)
        path = os.path.join(directory, "s.sock")
        server = self.start("echo", "--listen", "unix:" + path)
        self.assertEqual(server.endpoints, ["listening on unix:" + path])
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(BOUND)
        s.connect(path)
        s.sendall(b"over unix")
        self.assertEqual(read_exactly(s, 9), b"over unix")

    def test_max_connections_closes_new_ones_at_once(self):
        server = self.start("echo", "--listen", "tcp:0:interface=127.0.0.1",
                            "--max-connections", "1")
        first = connect(server.tcp_port())
        first.sendall(b"x")
        self.assertEqual(read_exactly(first, 1), b"x")  # the first is served
        second = connect(server.tcp_port())
        self.assertEqual(read_until_closed(second), b"")  # the second is closed at once
        first.sendall(b"y")
        self.assertEqual(read_exactly(first, 1), b"y")

    def test_idle_timeout_closes_idle_connections(self):
        server = self.start("echo", "--listen", "tcp:0:interface=127.0.0.1",
                            "--idle-timeout", "0.2")
        s = connect(server.tcp_port())
        self.assertEqual(read_until_closed(s), b"")

    def test_sigterm_closes_open_connections_and_exits_0(self):
        server = self.start("line", "--listen", "tcp:0:interface=127.0.0.1", "--grace", "5")
        s = connect(server.tcp_port())
        s.sendall(b"still here\n")
        self.assertEqual(read_exactly(s, 22), b"You said: still here\r\n")
        server.process.send_signal(signal.SIGTERM)
        self.assertEqual(read_until_closed(s), b"")  # closed cleanly, not reset
        self.assertEqual(server.process.wait(timeout=BOUND), 0)

    def test_sigint_stops_too(self):
        server = self.start("echo", "--listen", "tcp:0:interface=127.0.0.1")
        self.assertEqual(server.stop(signal.SIGINT), 0)

    def test_second_signal_stops_at_once_and_still_exits_0(self):
        server = self.start("echo", "--listen", "tcp:0:interface=127.0.0.1", "--grace", "30")
        s = connect(server.tcp_port())
        s.sendall(b"x")
        self.assertEqual(read_exactly(s, 1), b"x")
        server.process.send_signal(signal.SIGTERM)
        # The echo connection closes at once (it has no work in hand); signal again anyway.
        server.process.send_signal(signal.SIGTERM)
        self.assertEqual(server.process.wait(timeout=BOUND), 0)

    def test_port_in_use_is_an_error(self):
        holder = socket.socket()
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        out = subprocess.run([PROTOKIT, "serve", "echo", "--listen",
                              "tcp:%d:interface=127.0.0.1" % port],
                             capture_output=True, timeout=BOUND)
        holder.close()
        self.assertNotEqual(out.returncode, 0)
        self.assertRegex(out.stderr.decode(), r"^protokit: .*in use")


class SendTest(unittest.TestCase):
    def test_send_relays_lines_and_exits_0_when_the_server_closes(self):
        server = Server("line", "--listen", "tcp:0:interface=127.0.0.1")
        self.addCleanup(server.kill)
        server.read_listening(1)
        port = server.tcp_port()
        out = subprocess.run([PROTOKIT, "send", "127.0.0.1:%d" % port],
                             input=b"one\ntwo\nquit\n", capture_output=True, timeout=BOUND)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, b"You said: one\r\nYou said: two\r\nGoodbye.\r\n")
        # End of input without quit: send half-closes, the server closes, exit 0.
        out = subprocess.run([PROTOKIT, "send", "tcp:127.0.0.1:%d" % port],
                             input=b"last", capture_output=True, timeout=BOUND)
        self.assertEqual(out.returncode, 0, out.stderr)

    def test_send_sends_lone_lf_as_crlf_and_crlf_unchanged(self):
        server = Server("echo", "--listen", "tcp:0:interface=127.0.0.1")
        self.addCleanup(server.kill)
        server.read_listening(1)
        out = subprocess.run([PROTOKIT, "send", "127.0.0.1:%d" % server.tcp_port()],
                             input=b"a\nb\r\nc\n\n", capture_output=True, timeout=BOUND)
        self.assertEqual(out.returncode, 0, out.stderr)
        # An LF not after a CR becomes CRLF; CRLF goes unchanged (cli.md).
        self.assertEqual(out.stdout, b"a\r\nb\r\nc\r\n\r\n")

    def test_send_fails_when_it_cannot_connect(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()  # nothing listens there now
        out = subprocess.run([PROTOKIT, "send", "127.0.0.1:%d" % port],
                             input=b"", capture_output=True, timeout=BOUND)
        self.assertNotEqual(out.returncode, 0)
        self.assertRegex(out.stderr.decode(), r"^protokit: .*refused")


class UsageTest(unittest.TestCase):
    def run_protokit(self, *args):
        return subprocess.run([PROTOKIT, *args], capture_output=True, timeout=BOUND)

    def test_help_exits_0_everywhere(self):
        for args in ([], ["serve"], ["send"], ["record"], ["replay"], ["demo"]):
            out = self.run_protokit(*args, "--help")
            self.assertEqual(out.returncode, 0, args)
            self.assertIn(b"Usage", out.stdout)

    def test_wrong_usage_exits_2_with_one_protokit_line(self):
        for args in ([], ["serve"], ["serve", "nope"], ["serve", "echo", "--listen", "tcp:x"],
                     ["serve", "echo", "--max-line", "5"], ["serve", "line", "--bogus"],
                     ["send"], ["send", "no-port"]):
            out = self.run_protokit(*args)
            self.assertEqual(out.returncode, 2, (args, out.stderr))
            self.assertTrue(out.stderr.startswith(b"protokit: "), (args, out.stderr))

    def test_demo_succeeds(self):
        out = subprocess.run([PROTOKIT, "demo"], capture_output=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn(b"all ok", out.stdout)
        # The live session is recorded, then replayed with no sockets.
        self.assertIn(b"the recorded session, replayed with no sockets", out.stdout)
        self.assertIn(b"answers as the live one did", out.stdout)
        # The upload server is started and a file stored through it.
        self.assertIn(b"the `upload` protocol (PKUP/1)", out.stdout)
        self.assertIn(b"no .pkup-* temporary is left ... ok", out.stdout)


# Option values `serve` must refuse (specs/cli.md: a wrong option value exits 2 with one
# `protokit: ` line), before it listens. Each is given with a valid --listen on port 0, so
# a value wrongly accepted shows as a server that starts (stdout, a timeout), not a clash.
BAD_SERVE_VALUES = [
    *(("--grace", v) for v in ("nan", "inf", "-1", "1e10", "1e300", "86401", "", "ten")),
    *(("--idle-timeout", v) for v in ("nan", "inf", "-1", "1e10", "1e300", "31536001", "ten")),
    *(("--line-timeout", v) for v in ("nan", "inf", "-1", "1e300", "86401", "ten")),
    *(("--max-connections", v)
      for v in ("99999999999999999999999", "18446744073709551616", "-1", "0", "ten", "1.5")),
    *(("--max-line", v)
      for v in ("99999999999999999999999", "18446744073709551616", "-1", "0", "ten", "1.5",
                "1073741825")),
]
BAD_LISTEN_VALUES = [
    "tcp:0:interface=999.1.1.1",
    "tcp:0:interface=nonsense",
    "tcp:0:interface=127.0.0.1:interface=::1",
    "tcp:0:port=1",
    "tcp:99999999999999999999999",
]


# Transcripts checked in beside the replayer (testing/transcript/testdata), in runfiles.
TESTDATA = os.path.join(os.environ.get("TEST_SRCDIR", ""), os.environ.get("TEST_WORKSPACE", ""),
                        "testing", "transcript", "testdata")


class ReplayTest(unittest.TestCase):
    def replay(self, *args):
        return subprocess.run([PROTOKIT, "replay", *args], capture_output=True, timeout=BOUND)

    def test_a_recorded_line_session_replays_and_exits_0(self):
        out = self.replay(os.path.join(TESTDATA, "line.jsonl"), "--protocol", "line")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, b"2 session(s) replayed as recorded\n")

    def test_an_upload_session_replays_with_its_recorded_nonce(self):
        out = self.replay(os.path.join(TESTDATA, "upload.jsonl"), "--protocol", "upload")
        self.assertEqual(out.returncode, 0, out.stderr)

    def test_a_tampered_transcript_exits_1_with_the_difference(self):
        with open(os.path.join(TESTDATA, "line.jsonl"), "rb") as f:
            text = f.read()
        self.assertIn(b"You said: hello", text)
        tampered = os.path.join(os.environ.get("TEST_TMPDIR", tempfile.gettempdir()),
                                "tampered.jsonl")
        with open(tampered, "wb") as f:
            f.write(text.replace(b"You said: hello", b"You said: hellp", 1))
        out = self.replay(tampered, "--protocol", "line")
        self.assertEqual(out.returncode, 1)
        self.assertTrue(out.stderr.startswith(b"protokit: "), out.stderr)
        self.assertIn(b"byte 14 of what the host sent differs", out.stderr)
        self.assertIn(b'expected: "You said: hellp', out.stderr)
        self.assertIn(b'actual:   "You said: hello', out.stderr)
        self.assertIn(b"^", out.stderr)

    def test_the_wrong_protocol_does_not_replay(self):
        out = self.replay(os.path.join(TESTDATA, "line.jsonl"), "--protocol", "reverse")
        self.assertEqual(out.returncode, 1, out.stdout)

    def test_usage_errors_exit_2(self):
        line = os.path.join(TESTDATA, "line.jsonl")
        for args in ([line], [line, "--protocol", "nope"], [line, "--protocol", "line", "--side", "x"],
                     [line, "--protocol", "http"], [line, "--protocol", "line", "--body-out", "f"],
                     [line, "--protocol", "line", "--side", "client"]):
            out = self.replay(*args)
            self.assertEqual(out.returncode, 2, (args, out.stderr))
            self.assertTrue(out.stderr.startswith(b"protokit: "), (args, out.stderr))

    def test_an_unreadable_transcript_exits_1(self):
        out = self.replay("/nonexistent/t.jsonl", "--protocol", "echo")
        self.assertEqual(out.returncode, 1)
        self.assertIn(b"/nonexistent/t.jsonl", out.stderr)


class RecordTest(unittest.TestCase):
    """`protokit record` between a client and `protokit serve line`, then `replay`."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.out = os.path.join(self.dir, "session.jsonl")
        self.upstream = Server("line", "--listen", "tcp:0:interface=127.0.0.1")
        self.addCleanup(self.upstream.kill)
        self.upstream.read_listening(1)

    def start_proxy(self):
        proxy = Server("--listen", "tcp:0:interface=127.0.0.1",
                       "--upstream", "127.0.0.1:%d" % self.upstream.tcp_port(),
                       "--out", self.out, command="record")
        self.addCleanup(proxy.kill)
        (line,) = proxy.read_listening(1)
        self.assertTrue(line.startswith("listening on tcp:127.0.0.1:"), line)
        return proxy

    def converse(self, proxy, lines):
        s = connect(proxy.tcp_port())
        with s:
            s.sendall(lines)
            return read_until_closed(s)

    def test_sessions_are_relayed_recorded_and_replay(self):
        proxy = self.start_proxy()
        self.assertEqual(self.converse(proxy, b"hello\nworld\nquit\n"),
                         b"You said: hello\r\nYou said: world\r\nGoodbye.\r\n")
        self.assertEqual(self.converse(proxy, b"again\nquit\n"),
                         b"You said: again\r\nGoodbye.\r\n")
        self.assertEqual(proxy.stop(signal.SIGTERM), 0)
        self.assertFalse(os.path.exists(self.out + ".partial"))
        with open(self.out, "rb") as f:
            text = f.read()
        self.assertEqual(text.count(b'"type":"session"'), 2)
        out = subprocess.run([PROTOKIT, "replay", self.out, "--protocol", "line"],
                             capture_output=True, timeout=BOUND)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, b"2 session(s) replayed as recorded\n")
        # The same recording does not replay against another protocol.
        out = subprocess.run([PROTOKIT, "replay", self.out, "--protocol", "reverse"],
                             capture_output=True, timeout=BOUND)
        self.assertEqual(out.returncode, 1)

    def test_a_connection_open_at_sigint_still_leaves_a_complete_file(self):
        proxy = self.start_proxy()
        s = connect(proxy.tcp_port())
        self.addCleanup(s.close)
        s.sendall(b"hello\n")
        self.assertEqual(read_exactly(s, len(b"You said: hello\r\n")), b"You said: hello\r\n")
        self.assertEqual(proxy.stop(signal.SIGINT), 0)
        with open(self.out, "rb") as f:
            lines = f.read().splitlines()
        self.assertIn(b'"type":"end"', lines[-1])  # the session ended as the proxy stopped
        out = subprocess.run([PROTOKIT, "replay", self.out, "--protocol", "line"],
                             capture_output=True, timeout=BOUND)
        self.assertEqual(out.returncode, 1)  # the live server was cut, a fresh one is not
        self.assertTrue(out.stderr.startswith(b"protokit: "), out.stderr)

    def test_an_unreachable_upstream_closes_the_client(self):
        self.upstream.stop()
        proxy = self.start_proxy()
        self.assertEqual(self.converse(proxy, b"hello\n"), b"")
        self.assertEqual(proxy.stop(), 0)

    def test_usage_errors_exit_2(self):
        for args in ([], ["--listen", "tcp:0"], ["--listen", "tcp:0", "--upstream", "h:1"],
                     ["--listen", "nope:0", "--upstream", "h:1", "--out", "f"],
                     ["--listen", "tcp:0", "--upstream", "h", "--out", "f"]):
            out = subprocess.run([PROTOKIT, "record", *args], capture_output=True, timeout=BOUND)
            self.assertEqual(out.returncode, 2, (args, out.stderr))
            self.assertTrue(out.stderr.startswith(b"protokit: "), (args, out.stderr))


class ReplayHttpClientTest(unittest.TestCase):
    """An HTTP exchange recorded through `protokit record` in front of Python's http.server,
    then the server's recorded bytes fed to the kit's HTTP client."""

    def test_the_recorded_body_comes_back_exactly(self):
        import http.server
        import threading
        d = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        self.addCleanup(shutil.rmtree, d, ignore_errors=True)
        body = bytes(range(256)) * 300 + b"\r\n0\r\n\r\nend"
        with open(os.path.join(d, "f.bin"), "wb") as f:
            f.write(body)
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        handler = lambda *a, **k: Quiet(*a, directory=d, **k)
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(httpd.server_close)
        self.addCleanup(httpd.shutdown)
        out = os.path.join(d, "http.jsonl")
        proxy = Server("--listen", "tcp:0:interface=127.0.0.1",
                       "--upstream", "127.0.0.1:%d" % httpd.server_address[1],
                       "--out", out, command="record")
        self.addCleanup(proxy.kill)
        proxy.read_listening(1)
        s = connect(proxy.tcp_port())
        with s:
            s.sendall(b"GET /f.bin HTTP/1.0\r\nHost: x\r\n\r\n")
            response = read_until_closed(s)
        self.assertTrue(response.endswith(body))
        self.assertEqual(proxy.stop(), 0)
        got = os.path.join(d, "got.bin")
        replayed = subprocess.run([PROTOKIT, "replay", out, "--protocol", "http", "--side",
                                   "client", "--body-out", got], capture_output=True, timeout=BOUND)
        self.assertEqual(replayed.returncode, 0, replayed.stderr)
        self.assertTrue(replayed.stdout.startswith(b"HTTP/1.0 200 "), replayed.stdout)
        with open(got, "rb") as f:
            self.assertEqual(f.read(), body)
        # The transcript cut inside the body: the client says so, and writes no file.
        with open(out, "rb") as f:
            lines = f.read().splitlines(keepends=True)
        cut = os.path.join(d, "cut.jsonl")
        with open(cut, "wb") as f:
            f.writelines(l for l in lines if b'"from":"host"' not in l or b"HTTP/1" in l)
        partial = os.path.join(d, "partial.bin")
        replayed = subprocess.run([PROTOKIT, "replay", cut, "--protocol", "http", "--side",
                                   "client", "--body-out", partial], capture_output=True,
                                  timeout=BOUND)
        self.assertEqual(replayed.returncode, 1, replayed.stdout)
        self.assertTrue(replayed.stderr.startswith(b"protokit: "), replayed.stderr)
        self.assertFalse(os.path.exists(partial))


class ServeRecordTest(unittest.TestCase):
    """`serve PROTOCOL --record FILE`: recorded in the process, randomness included."""

    def test_an_upload_session_recorded_in_process_replays_with_its_nonce(self):
        d = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        self.addCleanup(shutil.rmtree, d, ignore_errors=True)
        out = os.path.join(d, "upload.jsonl")
        server = Server("upload", "--root", os.path.join(d, "root"), "--record", out,
                        "--listen", "tcp:0:interface=127.0.0.1")
        self.addCleanup(server.kill)
        server.read_listening(1)
        s = connect(server.tcp_port())
        with s:
            greeting = b""
            while not greeting.endswith(b"\r\n"):
                greeting += s.recv(100)
            self.assertTrue(greeting.startswith(b"PKUP/1 "), greeting)
            s.sendall(b"STAT nothing\nQUIT\n")
            self.assertEqual(read_until_closed(s), b"ERR 404 not found\r\nBYE\r\n")
        self.assertEqual(server.stop(), 0)
        with open(out, "rb") as f:
            text = f.read()
        self.assertIn(b'"type":"random"', text)
        self.assertIn(b'"type":"end"', text)
        replayed = subprocess.run([PROTOKIT, "replay", out, "--protocol", "upload"],
                                  capture_output=True, timeout=BOUND)
        self.assertEqual(replayed.returncode, 0, replayed.stderr)


class BadValueTest(unittest.TestCase):
    """One case per refused value (methods are added below)."""

    def assert_refused(self, args, option, value):
        try:
            out = subprocess.run([PROTOKIT, "serve", "line", *args], capture_output=True,
                                 stdin=subprocess.DEVNULL, timeout=BOUND)
        except subprocess.TimeoutExpired:
            raise AssertionError("%r was accepted: the server started" % (args,))
        stderr = out.stderr.decode()
        self.assertEqual(out.returncode, 2, stderr)
        self.assertEqual(out.stdout, b"", "the server must not start")
        lines = [l for l in stderr.splitlines() if l.startswith("protokit: ")]
        self.assertEqual(len(lines), 1, stderr)
        self.assertIn(option, lines[0])
        self.assertIn("'%s'" % value, lines[0])


def _add_bad_value_cases():
    def name(text):
        return "".join(c if c.isalnum() else "_" for c in text)

    def case(args, option, value):
        return lambda self: self.assert_refused(args, option, value)

    for option, value in BAD_SERVE_VALUES:
        args = ["--listen", "tcp:0:interface=127.0.0.1", option, value]
        setattr(BadValueTest, "test_%s_%s" % (name(option.lstrip("-")), name(value) or "empty"),
                case(args, option, value))
    for value in BAD_LISTEN_VALUES:
        setattr(BadValueTest, "test_listen_%s" % name(value),
                case(["--listen", value], "--listen", value))


_add_bad_value_cases()


def write_junit_xml(result, path):
    """Bazel reads per-case counts from this file (GoogleTest writes one of its own)."""
    from xml.sax.saxutils import quoteattr
    failed = {id(t): m for t, m in result.failures + result.errors}
    lines = ['<testsuites tests="%d" failures="%d" errors="%d" skipped="%d">'
             % (result.testsRun, len(result.failures), len(result.errors), len(result.skipped)),
             '<testsuite name="protokit_cli_test">']
    for test in result.all_tests:
        message = failed.get(id(test))
        if message is None:
            lines.append("<testcase name=%s/>" % quoteattr(test.id()))
        else:
            lines.append("<testcase name=%s><failure message=%s/></testcase>"
                         % (quoteattr(test.id()), quoteattr(message[-2000:])))
    lines += ["</testsuite>", "</testsuites>"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


class RecordingResult(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.all_tests = []

    def startTest(self, test):
        self.all_tests.append(test)
        super().startTest(test)


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2, resultclass=RecordingResult).run(suite)
    if os.environ.get("XML_OUTPUT_FILE"):
        write_junit_xml(result, os.environ["XML_OUTPUT_FILE"])
    sys.exit(0 if result.wasSuccessful() else 1)
