"""`protokit serve` against clients that behave as an attacker's would, on loopback: one
that sends and never reads, one that sends a huge line at once. Memory must stay bounded
and no byte may be lost. Every wait is on an event with a bound."""

import os
import select
import socket
import unittest

import protokit_cli_test
from protokit_cli_test import BOUND, Server, connect, read_until_closed

# The program beside this file (the module may be imported from the source tree).
protokit_cli_test.PROTOKIT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "protokit")

MiB = 1024 * 1024
# Bytes a client may push before the server must have stopped reading: the kernel's
# buffers on both sides (autotuned on loopback, a few MiB each) plus the server's own.
MOST_ACCEPTED = 256 * MiB
# How much the server's resident memory may grow while one client never reads.
MOST_GROWTH = 8 * MiB
# A client's send that stays blocked this long means the server stopped reading.
STALLED = 1.0


def resident_bytes(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS for pid %d" % pid)


def send_until_stalled(s, chunk):
    """Sends `chunk` again and again without reading until the socket stays unwritable
    for STALLED seconds; returns the bytes sent. Fails past MOST_ACCEPTED."""
    s.setblocking(False)
    sent = 0
    view = memoryview(chunk)
    offset = 0
    while True:
        _, writable, _ = select.select([], [s], [], STALLED)
        if not writable:
            return sent
        try:
            n = s.send(view[offset:])
        except BlockingIOError:
            continue
        sent += n
        offset = (offset + n) % len(chunk)
        if sent > MOST_ACCEPTED:
            raise AssertionError("the server read %d bytes from a client that never reads" % sent)


def read_exactly_within_bound(s, n):
    s.settimeout(BOUND)
    data = bytearray()
    while len(data) < n:
        piece = s.recv(min(n - len(data), MiB))
        if not piece:
            raise AssertionError("closed after %d of %d bytes" % (len(data), n))
        data += piece
    return bytes(data)


class NeverReadingClientTest(unittest.TestCase):
    def start(self, *args):
        server = Server(*args)
        self.addCleanup(server.kill)
        server.read_listening(1)
        return server

    def check_bounded(self, protocol, chunk, answer_of):
        server = self.start(protocol, "--listen", "tcp:0:interface=127.0.0.1")
        idle = resident_bytes(server.process.pid)
        s = connect(server.tcp_port())
        self.addCleanup(s.close)
        sent = send_until_stalled(s, chunk)
        held = resident_bytes(server.process.pid) - idle
        self.assertLess(held, MOST_GROWTH,
                        "%s grew %d bytes after %d sent by a client that never reads"
                        % (protocol, held, sent))
        # Nothing lost: everything sent is answered once the client reads.
        expected = answer_of(sent)
        answered = read_exactly_within_bound(s, len(expected))
        self.assertEqual(answered, expected)
        self.assertEqual(server.stop(), 0)

    def test_echo(self):
        chunk = bytes(range(256)) * 256  # 64 KiB
        def answer_of(sent):
            return (chunk * (sent // len(chunk) + 1))[:sent]
        self.check_bounded("echo", chunk, answer_of)

    def test_line_with_answers_longer_than_lines(self):
        chunk = b"x\n" * 32768
        def answer_of(sent):
            self.assertEqual(sent % 2, 0, "a line was cut: the test sends whole chunks")
            return b"You said: x\r\n" * (sent // 2)
        self.check_bounded("line", chunk, answer_of)


class LingeringCloseTest(unittest.TestCase):
    def test_a_huge_line_sent_at_once_gets_the_answer_and_a_clean_end(self):
        server = Server("line", "--listen", "tcp:0:interface=127.0.0.1")
        self.addCleanup(server.kill)
        server.read_listening(1)
        s = connect(server.tcp_port())
        self.addCleanup(s.close)
        # The server closes after 16 KiB while most of the line is still in flight; it
        # must drain the rest rather than answer it with a reset.
        s.sendall(b"y" * MiB)
        self.assertEqual(read_until_closed(s), b"error: line too long\r\n")
        self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main()
