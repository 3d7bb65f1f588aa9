"""`protokit upload` against its contract (specs/cli.md) on real loopback sockets: with a
small PKUP/1 server written here from specs/upload.md alone (greeting, AUTH,
PUT/READY/body/OK, 409, 422, QUIT/BYE; it can also lie about a hash), and with the kit's
own `protokit serve upload`. Every wait is bounded; nothing sleeps."""

import hashlib
import hmac
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import unittest

import protokit_cli_test
from protokit_cli_test import BOUND, Server

PROTOKIT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "protokit")
# The program beside this file (the module may be imported from the source tree).
protokit_cli_test.PROTOKIT = PROTOKIT


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class PkupServer:
    """A PKUP/1 server in a thread: one connection at a time, files kept in `files`.

    `secret`: AUTH required with that key. `lie`: OK answers carry a wrong hash."""

    def __init__(self, secret=None, existing=None, lie=False):
        self.secret = secret
        self.lie = lie
        self.files = dict(existing or {})
        self.existing = set(self.files)
        self.commands = []  # every control line received
        self.errors = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.listener.settimeout(BOUND)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def address(self):
        return "127.0.0.1:%d" % self.port

    def close(self):
        self.listener.close()
        self.thread.join(BOUND)

    def _serve(self):
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(BOUND)
            try:
                self._session(conn)
            except Exception as e:  # reported by the test that looks
                self.errors.append(repr(e))

    def _session(self, conn):
        buffered = b""

        def read_line():
            nonlocal buffered
            while b"\n" not in buffered:
                chunk = conn.recv(65536)
                if not chunk:
                    return None
                buffered += chunk
            line, _, buffered = buffered.partition(b"\n")
            return line[:-1] if line.endswith(b"\r") else line

        def read_body(size):
            nonlocal buffered
            while len(buffered) < size:
                chunk = conn.recv(65536)
                if not chunk:
                    return None
                buffered += chunk
            body, buffered = buffered[:size], buffered[size:]
            return body

        def answer(text):
            conn.sendall(text.encode() + b"\r\n")

        nonce = secrets.token_hex(16)
        answer("PKUP/1 " + nonce)
        authenticated = self.secret is None
        while True:
            line = read_line()
            if line is None:
                return
            self.commands.append(line)
            words = line.decode("utf-8", "replace").split(" ", 3)
            if words[0] == "QUIT":
                answer("BYE")
                return
            if words[0] == "AUTH" and len(words) == 2:
                mac = hmac.new((self.secret or "").encode(), nonce.encode(), "sha256").hexdigest()
                if self.secret is not None and not hmac.compare_digest(mac, words[1]):
                    answer("ERR 401 bad credentials")
                    return
                authenticated = True
                answer("OK auth")
            elif words[0] == "PUT" and len(words) == 4:
                size, declared, path = int(words[1]), words[2], words[3]
                if not authenticated:
                    answer("ERR 401 authentication required")
                elif path in self.existing:
                    answer("ERR 409 exists")
                else:
                    answer("READY")
                    body = read_body(size)
                    if body is None:
                        return
                    actual = sha256(body)
                    if actual != declared:
                        answer("ERR 422 checksum mismatch " + actual)
                    else:
                        self.files[path] = body
                        answer("OK " + (sha256(body + b"lie") if self.lie else actual))
            else:
                answer("ERR 400 unknown command")


class UploadCommandTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="upload-cli-", dir=os.environ.get("TEST_TMPDIR"))
        self.addCleanup(shutil.rmtree, self.dir, True)

    def server(self, **kwargs):
        server = PkupServer(**kwargs)
        self.addCleanup(server.close)
        return server

    def write(self, name, content):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)
        return path

    def upload(self, *args):
        return subprocess.run([PROTOKIT, "upload", *args], cwd=self.dir, capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=BOUND)

    def test_two_files_stored_and_their_lines_printed(self):
        server = self.server()
        a = self.write("a.txt", b"hello\n")
        b = self.write("sub/b.bin", b"")
        out = self.upload("--to", server.address(), a, b + "=docs/b.bin")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.decode(),
                         "%s  a.txt\n%s  docs/b.bin\n" % (sha256(b"hello\n"), sha256(b"")))
        self.assertEqual(out.stderr, b"")
        self.assertEqual(server.files, {"a.txt": b"hello\n", "docs/b.bin": b""})
        self.assertEqual(server.commands[-1], b"QUIT")  # one connection, closed politely

    def test_bytes_that_look_like_commands_are_stored_exactly(self):
        server = self.server()
        content = b"QUIT\r\nPUT 1 x y\n\r\n\x00\xff" * 1000
        path = self.write("c", content)
        out = self.upload("--to", server.address(), path)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(server.files["c"], content)

    def test_remote_path_defaults_to_the_base_name(self):
        server = self.server()
        self.write("deep/er/file.txt", b"x")
        out = self.upload("--to", server.address(), "deep/er/file.txt")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.decode(), "%s  file.txt\n" % sha256(b"x"))

    def test_argument_is_split_at_the_first_equals(self):
        server = self.server()
        self.write("a", b"first")
        out = self.upload("--to", server.address(), "a=b=c")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.decode(), "%s  b=c\n" % sha256(b"first"))
        self.assertEqual(server.files, {"b=c": b"first"})

    def test_missing_local_file_is_named_and_the_others_still_go(self):
        server = self.server()
        self.write("there", b"here")
        out = self.upload("--to", server.address(), "missing.txt", "there")
        self.assertEqual(out.returncode, 1)
        self.assertEqual(out.stdout.decode(), "%s  there\n" % sha256(b"here"))
        stderr = out.stderr.decode()
        self.assertIn("protokit: cannot upload missing.txt to missing.txt: cannot open "
                      "missing.txt: No such file or directory\n", stderr)
        self.assertTrue(stderr.endswith("protokit: 1 of 2 files not stored\n"), stderr)
        self.assertEqual(server.files, {"there": b"here"})

    def test_a_directory_is_refused_and_named(self):
        server = self.server()
        os.makedirs(os.path.join(self.dir, "d"))
        out = self.upload("--to", server.address(), "d")
        self.assertEqual(out.returncode, 1)
        self.assertIn("protokit: cannot upload d to d: cannot read d: Is a directory\n",
                      out.stderr.decode())

    def test_server_error_names_the_file_and_quotes_the_answer(self):
        server = self.server(existing={"taken": b"old"})
        self.write("new", b"new")
        self.write("other", b"other")
        out = self.upload("--to", server.address(), "new=taken", "other")
        self.assertEqual(out.returncode, 1)
        self.assertIn('protokit: cannot upload new to taken: the server answered '
                      '"ERR 409 exists"\n', out.stderr.decode())
        self.assertEqual(out.stdout.decode(), "%s  other\n" % sha256(b"other"))
        self.assertEqual(server.files["taken"], b"old")

    def test_a_hash_in_ok_that_differs_is_not_stored(self):
        server = self.server(lie=True)
        self.write("f", b"data")
        out = self.upload("--to", server.address(), "f")
        self.assertEqual(out.returncode, 1)
        self.assertEqual(out.stdout, b"")
        self.assertRegex(out.stderr.decode(),
                         r'cannot upload f to f: the server answered "OK [0-9a-f]{64}" but the '
                         r"local hash is " + sha256(b"data"))

    def test_secret_file_less_one_crlf_authenticates(self):
        server = self.server(secret="s3cret")
        secret = self.write("key", b"s3cret\r\n")
        self.write("f", b"x")
        out = self.upload("--to", server.address(), "--secret-file", secret, "f")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("f", server.files)

    def test_wrong_secret_stores_nothing(self):
        server = self.server(secret="s3cret")
        secret = self.write("key", b"s3cret\n\n")  # one LF is removed, the other is key
        self.write("f", b"x")
        out = self.upload("--to", server.address(), "--secret-file", secret, "f")
        self.assertEqual(out.returncode, 1)
        self.assertIn('protokit: cannot upload f to f: not sent: authentication refused: the '
                      'server answered "ERR 401 bad credentials"', out.stderr.decode())
        self.assertEqual(server.files, {})

    def test_empty_secret_file_name_is_a_usage_error(self):
        self.assertEqual(self.upload("--to", "127.0.0.1:9", "--secret-file", "", "f").returncode, 2)

    def test_missing_secret_file(self):
        out = self.upload("--to", "127.0.0.1:9", "--secret-file", "nope", "f")
        self.assertEqual(out.returncode, 1)
        self.assertIn("protokit: cannot read secret file nope", out.stderr.decode())

    def test_bad_to_is_a_usage_error(self):
        for to in ("nonsense", "127.0.0.1:", "host:99999", ""):
            out = self.upload("--to", to, "f")
            self.assertEqual(out.returncode, 2, to)
            self.assertTrue(out.stderr.startswith(b"protokit: "), out.stderr)

    def test_bad_arguments_are_usage_errors(self):
        for argument in ("f=", "=r"):
            out = self.upload("--to", "127.0.0.1:9", argument)
            self.assertEqual(out.returncode, 2, argument)
        self.assertEqual(self.upload("--to", "127.0.0.1:9").returncode, 2)
        self.assertEqual(self.upload("f").returncode, 2)

    def test_refused_connection(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        listener.close()  # nothing listens there now
        self.write("f", b"x")
        out = self.upload("--to", "127.0.0.1:%d" % port, "f")
        self.assertEqual(out.returncode, 1)
        self.assertIn(b"protokit: connecting to", out.stderr)

    def test_progress_bars_only_when_asked(self):
        server = self.server()
        self.write("big", b"p" * (1 << 20))
        out = self.upload("--to", server.address(), "big")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stderr, b"")  # standard error is a pipe: no bar
        server = self.server()
        out = self.upload("--to", server.address(), "--progress", "big")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stderr.decode(), r"big .*100%")
        self.assertEqual(out.stdout.decode(), "%s  big\n" % sha256(b"p" * (1 << 20)))
        server = self.server()
        out = self.upload("--to", server.address(), "--progress", "--no-progress", "big")
        self.assertEqual(out.stderr, b"")

    def test_a_server_that_is_not_pkup_is_named_as_such(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(BOUND)
        self.addCleanup(listener.close)

        def answer_like_http():
            conn, _ = listener.accept()
            with conn:
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

        thread = threading.Thread(target=answer_like_http, daemon=True)
        thread.start()
        self.write("f", b"x")
        out = self.upload("--to", "127.0.0.1:%d" % listener.getsockname()[1], "f")
        thread.join(BOUND)
        self.assertEqual(out.returncode, 1)
        self.assertIn('protokit: cannot upload f to f: not sent: bad greeting '
                      '"HTTP/1.1 400 Bad Request" (expected "PKUP/1 <nonce>")\n',
                      out.stderr.decode())

    def test_help(self):
        out = subprocess.run([PROTOKIT, "upload", "--help"], capture_output=True, timeout=BOUND)
        self.assertEqual(out.returncode, 0)
        self.assertIn(b"--to", out.stdout)
        self.assertIn(b"--secret-file", out.stdout)


class UploadToServeUploadTest(unittest.TestCase):
    """`protokit upload` to `protokit serve upload`: the kit's two ends of PKUP/1."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="upload-serve-", dir=os.environ.get("TEST_TMPDIR"))
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.root = os.path.join(self.dir, "root")

    def serve(self, *args):
        server = Server("upload", "--root", self.root, "--listen", "tcp:0:interface=127.0.0.1",
                        *args)
        self.addCleanup(server.kill)
        server.read_listening(1)
        return "127.0.0.1:%d" % server.tcp_port()

    def write(self, name, content):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)
        return path

    def stored(self, remote):
        with open(os.path.join(self.root, remote), "rb") as f:
            return f.read()

    def upload(self, *args):
        return subprocess.run([PROTOKIT, "upload", *args], cwd=self.dir, capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=BOUND * 3)

    def test_files_are_stored_and_their_lines_printed(self):
        to = self.serve()
        files = {
            "empty": b"",
            "text": b"QUIT\r\nPUT 1 x y\nBYE\r\n\r\n",
            "big": bytes(range(256)) * (5 * 4096),  # 5 MiB
        }
        for name, content in files.items():
            self.write(name, content)
        out = self.upload("--to", to, "empty", "text=a/b/text.txt", "big=x=y")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stderr, b"")
        self.assertEqual(out.stdout.decode(),
                         "%s  empty\n%s  a/b/text.txt\n%s  x=y\n"
                         % (sha256(files["empty"]), sha256(files["text"]), sha256(files["big"])))
        self.assertEqual(self.stored("empty"), files["empty"])
        self.assertEqual(self.stored("a/b/text.txt"), files["text"])
        self.assertEqual(self.stored("x=y"), files["big"])

    def test_refusals_name_the_file_and_quote_the_server(self):
        to = self.serve("--no-overwrite", "--max-size", "100")
        self.write("ok", b"fine")
        self.write("large", b"l" * 101)
        os.makedirs(self.root, exist_ok=True)
        with open(os.path.join(self.root, "taken"), "wb") as f:
            f.write(b"old")
        out = self.upload("--to", to, "ok=taken", "large", "ok=../up", "ok=.pkup-x", "ok")
        self.assertEqual(out.returncode, 1)
        stderr = out.stderr.decode()
        self.assertIn('protokit: cannot upload ok to taken: the server answered '
                      '"ERR 409 exists"\n', stderr)
        self.assertIn('protokit: cannot upload large to large: the server answered '
                      '"ERR 413 too large"\n', stderr)
        self.assertRegex(stderr, r'protokit: cannot upload ok to \.\./up: the server answered '
                                 r'"ERR 403 [^"]+"\n')
        self.assertRegex(stderr, r'protokit: cannot upload ok to \.pkup-x: the server answered '
                                 r'"ERR 403 [^"]+"\n')
        self.assertTrue(stderr.endswith("protokit: 4 of 5 files not stored\n"), stderr)
        self.assertEqual(out.stdout.decode(), "%s  ok\n" % sha256(b"fine"))
        self.assertEqual(self.stored("taken"), b"old")

    def test_the_same_secret_file_on_both_ends(self):
        key = self.write("key", b"shared secret\n")
        to = self.serve("--secret-file", key)
        self.write("f", b"authenticated")
        out = self.upload("--to", to, "--secret-file", key, "f")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(self.stored("f"), b"authenticated")
        other = self.write("other", b"shared secret\r\n\r\n")
        out = self.upload("--to", to, "--secret-file", other, "f=g")
        self.assertEqual(out.returncode, 1)
        self.assertIn(b'authentication refused: the server answered "ERR 401 bad credentials"',
                      out.stderr)
        out = self.upload("--to", to, "f=h")
        self.assertEqual(out.returncode, 1)
        self.assertIn(b'protokit: cannot upload f to h: the server answered "ERR 401 '
                      b'authentication required" (the server needs --secret-file)\n', out.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.root, "g")))
        self.assertFalse(os.path.exists(os.path.join(self.root, "h")))


if __name__ == "__main__":
    unittest.main()
