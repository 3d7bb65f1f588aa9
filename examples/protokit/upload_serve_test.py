"""`protokit serve upload` against specs/cli.md and specs/upload.md: real processes, real
sockets on loopback, and a PKUP/1 client written here from the spec alone. Every wait is
on an event (a line printed or answered, a process exited) with a bound; nothing sleeps
to let time pass."""

import glob
import hashlib
import hmac
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

import protokit_cli_test
from protokit_cli_test import BOUND, RecordingResult, Server, connect, write_junit_xml

# The program beside this file (the module may be imported from the source tree).
PROTOKIT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "protokit")
protokit_cli_test.PROTOKIT = PROTOKIT

MiB = 1024 * 1024
# A 256 MiB upload goes through the disk: allow it time on a loaded machine.
BIG_BOUND = 300.0
# The server's peak resident memory while it stores 256 MiB: the spec bounds what one
# upload holds (about 1 MiB in the server, plus a 64 KiB read buffer), so its whole
# footprint stays near its idle size, far below the file.
MOST_PEAK = 32 * MiB
# How much more the peak may be for 256 MiB than for 16 MiB: none is expected; this is
# noise (allocator, thread stacks touched) with margin.
MOST_PEAK_GROWTH = 8 * MiB


class Pkup:
    """A PKUP/1 client on a connected socket (specs/upload.md)."""

    def __init__(self, sock):
        self.sock = sock
        self.pending = b""
        greeting = self.line()
        parts = greeting.split(" ")
        assert len(parts) == 2 and parts[0] == "PKUP/1", greeting
        assert len(parts[1]) == 32 and all(c in "0123456789abcdef" for c in parts[1]), greeting
        self.nonce = parts[1]

    def line(self):
        while b"\n" not in self.pending:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError("closed; had %r" % self.pending)
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        assert line.endswith(b"\r"), line  # servers send CRLF
        return line[:-1].decode()

    def command(self, text):
        self.sock.sendall(text.encode() + b"\n")
        return self.line()

    def auth(self, secret):
        mac = hmac.new(secret, self.nonce.encode(), hashlib.sha256).hexdigest()
        return self.command("AUTH " + mac)

    def put(self, path, chunks, size=None, sha256=None):
        """Uploads the bytes `chunks()` yields; the server's final answer (or its refusal)."""
        if size is None or sha256 is None:
            size, sha256 = measure(chunks)
        answer = self.command("PUT %d %s %s" % (size, sha256, path))
        if answer != "READY":
            return answer
        for chunk in chunks():
            self.sock.sendall(chunk)
        return self.line()


def measure(chunks):
    h = hashlib.sha256()
    size = 0
    for chunk in chunks():
        h.update(chunk)
        size += len(chunk)
    return size, h.hexdigest()


def pattern(size, seed=0):
    """`size` bytes in 1 MiB chunks, each different (its index in front), made again on
    each call rather than held."""
    base = hashlib.sha256(b"seed %d" % seed).digest() * (MiB // 32)

    def chunks():
        left, index = size, 0
        while left > 0:
            chunk = (index.to_bytes(8, "big") + base[8:])[:left]
            yield chunk
            left -= len(chunk)
            index += 1
    return chunks


def of(data):
    return lambda: iter([data]) if data else iter([])


def file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(MiB)
            if not block:
                return os.path.getsize(path), h.hexdigest()
            h.update(block)


def peak_resident(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM for pid %d" % pid)


def sanitized():
    """Whether the program was built with ASan or TSan (bazel test --config=asan)."""
    with open(PROTOKIT, "rb") as f:
        program = f.read()
    return b"__asan_init" in program or b"__tsan_init" in program


def temporaries(root):
    return glob.glob(os.path.join(root, "**", ".pkup-*"), recursive=True)


class UploadServeTest(unittest.TestCase):
    def setUp(self):
        base = tempfile.mkdtemp(prefix="upload-serve-", dir=os.environ.get("TEST_TMPDIR"))
        self.addCleanup(shutil.rmtree, base, ignore_errors=True)
        self.base = base
        self.root = os.path.join(base, "root")

    def start(self, *args, root=None):
        server = Server("upload", "--root", root or self.root,
                        "--listen", "tcp:0:interface=127.0.0.1", *args)
        self.addCleanup(server.kill)
        server.read_listening(1)
        return server

    def client(self, server):
        s = connect(server.tcp_port())
        self.addCleanup(s.close)
        return Pkup(s)

    def test_empty_and_one_mebibyte_files_are_stored_with_their_hash(self):
        server = self.start()
        c = self.client(server)
        self.assertEqual(c.put("empty", of(b"")), "OK " + hashlib.sha256(b"").hexdigest())
        size, digest = measure(pattern(MiB, 1))
        self.assertEqual(c.put("d/one.bin", pattern(MiB, 1)), "OK " + digest)
        self.assertEqual(c.command("STAT d/one.bin"), "OK %d %s" % (size, digest))
        self.assertEqual(c.command("QUIT"), "BYE")
        self.assertEqual(os.path.getsize(os.path.join(self.root, "empty")), 0)
        with open(os.path.join(self.root, "d/one.bin"), "rb") as f:
            self.assertEqual(f.read(), b"".join(pattern(MiB, 1)()))
        self.assertEqual(temporaries(self.root), [])
        self.assertEqual(server.stop(), 0)

    def test_an_upload_over_tls_is_stored_with_its_hash(self):
        # A self-signed certificate for 127.0.0.1, trusted by the client as its own CA.
        key = os.path.join(self.base, "key.pem")
        cert = os.path.join(self.base, "cert.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True, timeout=BOUND)
        server = Server("upload", "--root", self.root, "--listen",
                        "ssl:0:interface=127.0.0.1:privateKey=%s:certKey=%s" % (key, cert))
        self.addCleanup(server.kill)
        (endpoint,) = server.read_listening(1)
        self.assertTrue(endpoint.startswith("listening on ssl:127.0.0.1:"), endpoint)
        context = ssl.create_default_context(cafile=cert)
        raw = socket.create_connection(("127.0.0.1", server.tcp_port()), timeout=BOUND)
        s = context.wrap_socket(raw, server_hostname="127.0.0.1")
        self.addCleanup(s.close)
        c = Pkup(s)
        size, digest = measure(pattern(MiB, 3))
        self.assertEqual(c.put("tls/one.bin", pattern(MiB, 3)), "OK " + digest)
        self.assertEqual(c.command("QUIT"), "BYE")
        with open(os.path.join(self.root, "tls/one.bin"), "rb") as f:
            self.assertEqual(f.read(), b"".join(pattern(MiB, 3)()))
        self.assertEqual(temporaries(self.root), [])
        self.assertEqual(server.stop(), 0)

    def test_a_256_mebibyte_file_is_stored_whole(self):
        server = self.start()
        c = self.client(server)
        c.sock.settimeout(BIG_BOUND)
        expected = measure(pattern(256 * MiB, 4))
        self.assertEqual(c.put("big.bin", pattern(256 * MiB, 4)), "OK " + expected[1])
        self.assertEqual(c.command("STAT big.bin"), "OK %d %s" % expected)
        self.assertEqual(file_digest(os.path.join(self.root, "big.bin")), expected)
        self.assertEqual(temporaries(self.root), [])
        self.assertEqual(server.stop(), 0)

    def test_memory_does_not_grow_with_the_file_size(self):
        if sanitized():
            self.skipTest("a sanitizer's quarantine and shadow memory grow with what is "
                          "allocated, not with what is held")
        peaks = {}
        for size in (16 * MiB, 256 * MiB):
            root = os.path.join(self.base, "root-%d" % size)
            server = self.start(root=root)
            c = self.client(server)
            c.sock.settimeout(BIG_BOUND)
            expected = measure(pattern(size, 2))
            self.assertEqual(c.put("big.bin", pattern(size, 2)), "OK " + expected[1])
            peaks[size] = peak_resident(server.process.pid)
            self.assertEqual(file_digest(os.path.join(root, "big.bin")), expected)
            self.assertEqual(temporaries(root), [])
            self.assertEqual(server.stop(), 0)
        self.assertLess(peaks[256 * MiB], MOST_PEAK, peaks)
        self.assertLess(peaks[256 * MiB] - peaks[16 * MiB], MOST_PEAK_GROWTH, peaks)

    def check_secret_file(self, content, secret):
        path = os.path.join(self.base, "secret")
        with open(path, "wb") as f:
            f.write(content)
        server = self.start("--secret-file", path)
        c = self.client(server)
        self.assertEqual(c.command("STAT x"), "ERR 401 authentication required")
        self.assertEqual(c.auth(secret), "OK auth")
        self.assertEqual(c.put("x", of(b"hi")), "OK " + hashlib.sha256(b"hi").hexdigest())
        # The line end is not part of the secret: a mac over the raw content is refused.
        c = self.client(server)
        self.assertEqual(c.auth(content), "ERR 401 bad credentials")
        self.assertEqual(server.stop(), 0)

    def test_secret_file_with_lf(self):
        self.check_secret_file(b"s3cret\n", b"s3cret")

    def test_secret_file_with_crlf(self):
        self.check_secret_file(b"s3cret\r\n", b"s3cret")

    def test_no_overwrite_answers_409_and_keeps_the_file(self):
        server = self.start("--no-overwrite")
        c = self.client(server)
        self.assertEqual(c.put("f", of(b"old")), "OK " + hashlib.sha256(b"old").hexdigest())
        self.assertEqual(c.put("f", of(b"new")), "ERR 409 exists")
        self.assertEqual(c.command("QUIT"), "BYE")
        with open(os.path.join(self.root, "f"), "rb") as f:
            self.assertEqual(f.read(), b"old")
        self.assertEqual(server.stop(), 0)

    def test_max_size_answers_413(self):
        server = self.start("--max-size", "4")
        c = self.client(server)
        self.assertEqual(c.put("ok", of(b"four")), "OK " + hashlib.sha256(b"four").hexdigest())
        self.assertEqual(c.put("no", of(b"fives")), "ERR 413 too large")
        self.assertEqual(server.stop(), 0)

    def wait_port_closed(self, server):
        deadline = time.monotonic() + BOUND
        while time.monotonic() < deadline:
            try:
                connect(server.tcp_port()).close()
            except ConnectionRefusedError:
                return
            time.sleep(0.01)  # between attempts; the bound is the deadline
        raise AssertionError("the listening port is still open %ss after SIGTERM" % BOUND)

    def begin_upload(self, server, path, size):
        """A connection whose PUT was answered READY: the body is the caller's."""
        c = self.client(server)
        size, digest = measure(pattern(size, 3))
        self.assertEqual(c.command("PUT %d %s %s" % (size, digest, path)), "READY")
        return c, digest

    def test_killed_server_leaves_a_temporary_that_a_restart_removes(self):
        os.makedirs(os.path.join(self.root, "d"))
        with open(os.path.join(self.root, "d/f"), "wb") as f:
            f.write(b"before")
        server = self.start()
        c, _ = self.begin_upload(server, "d/f", 8 * MiB)
        c.sock.sendall(next(pattern(8 * MiB, 3)()))  # one MiB of eight
        server.process.kill()
        server.process.wait(timeout=BOUND)
        left = temporaries(self.root)
        self.assertEqual(len(left), 1, left)  # READY came after the temporary was made
        self.start()  # stale temporaries go before `listening on`
        self.assertEqual(temporaries(self.root), [])
        with open(os.path.join(self.root, "d/f"), "rb") as f:
            self.assertEqual(f.read(), b"before")

    def test_sigterm_cuts_a_stalled_upload_after_the_grace_and_exits_0(self):
        server = self.start("--grace", "1")
        c, _ = self.begin_upload(server, "stalled", 8 * MiB)
        c.sock.sendall(next(pattern(8 * MiB, 3)()))  # then nothing more
        server.process.send_signal(signal.SIGTERM)
        self.assertEqual(server.process.wait(timeout=BOUND), 0)
        self.assertEqual(temporaries(self.root), [])
        self.assertFalse(os.path.exists(os.path.join(self.root, "stalled")))

    def test_an_upload_may_finish_within_the_grace(self):
        server = self.start("--grace", str(BOUND))
        c, digest = self.begin_upload(server, "finished", 4 * MiB)
        chunks = pattern(4 * MiB, 3)()
        c.sock.sendall(next(chunks))
        server.process.send_signal(signal.SIGTERM)
        # The stop has begun once the listening port is closed; the upload in hand goes on.
        self.wait_port_closed(server)
        for chunk in chunks:
            c.sock.sendall(chunk)
        self.assertEqual(c.line(), "OK " + digest)
        self.assertEqual(c.sock.recv(1), b"")  # then the server closes
        self.assertEqual(server.process.wait(timeout=BOUND), 0)
        self.assertEqual(file_digest(os.path.join(self.root, "finished")),
                         (4 * MiB, digest))
        self.assertEqual(temporaries(self.root), [])


class UploadOptionTest(unittest.TestCase):
    def run_protokit(self, *args):
        try:
            return subprocess.run([PROTOKIT, *args], capture_output=True,
                                  stdin=subprocess.DEVNULL, timeout=BOUND)
        except subprocess.TimeoutExpired:
            raise AssertionError("%r was accepted: the server started" % (args,))

    def assert_refused(self, args, status, *words):
        out = self.run_protokit("serve", *args, "--listen", "tcp:0:interface=127.0.0.1")
        stderr = out.stderr.decode()
        if status is None:
            self.assertNotIn(out.returncode, (0, 2), stderr)
        else:
            self.assertEqual(out.returncode, status, stderr)
        self.assertEqual(out.stdout, b"", "the server must not start")
        lines = [l for l in stderr.splitlines() if l.startswith("protokit: ")]
        self.assertEqual(len(lines), 1, stderr)
        for word in words:
            self.assertIn(word, lines[0])

    def test_root_is_required(self):
        self.assert_refused(["upload"], 2, "--root")
        self.assert_refused(["upload", "--root", ""], 2, "--root")

    def test_bad_max_size_values_are_usage_errors(self):
        root = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        for value in ("-1", "1e3", "18446744073709551616", "nan", "", "1.5", "ten", "inf"):
            with self.subTest(value=value):
                self.assert_refused(["upload", "--root", root, "--max-size", value], 2,
                                    "--max-size", "'%s'" % value)

    def test_upload_options_are_refused_for_other_protocols(self):
        for protocol in ("echo", "line", "reverse"):
            for option in (["--root", "/nonexistent/r"], ["--max-size", "10"],
                           ["--secret-file", "/dev/null"], ["--no-overwrite"]):
                with self.subTest(protocol=protocol, option=option[0]):
                    self.assert_refused([protocol, *option], 2, option[0], protocol)

    def test_line_options_are_refused_for_upload(self):
        root = os.path.join(tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR")), "r")
        self.assert_refused(["upload", "--root", root, "--max-line", "10"], 2, "--max-line")
        self.assert_refused(["upload", "--root", root, "--line-timeout", "5"], 2,
                            "--line-timeout")
        self.assertFalse(os.path.exists(root), "refused before the root is made")

    def test_unreadable_secret_file_is_an_error(self):
        base = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        self.assert_refused(["upload", "--root", base + "/r", "--secret-file", base + "/none"],
                            None, base + "/none")

    def test_root_that_cannot_be_made_is_an_error(self):
        base = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        with open(base + "/file", "w") as f:
            f.write("not a directory")
        self.assert_refused(["upload", "--root", base + "/file/root"], None, base + "/file")

    def test_help_lists_the_upload_options(self):
        out = self.run_protokit("serve", "--help")
        self.assertEqual(out.returncode, 0)
        for option in (b"--root", b"--max-size", b"--secret-file", b"--no-overwrite"):
            self.assertIn(option, out.stdout)


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2, resultclass=RecordingResult).run(suite)
    if os.environ.get("XML_OUTPUT_FILE"):
        write_junit_xml(result, os.environ["XML_OUTPUT_FILE"])
    sys.exit(0 if result.wasSuccessful() else 1)
