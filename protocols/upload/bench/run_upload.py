#!/usr/bin/python3
"""The PKUP/1 upload benchmark of BENCHMARKS.md.

One SIZE-byte file (default 1 GiB) sent over loopback to `protokit serve upload` with a
root on tmpfs (/dev/shm), so the protocol is measured rather than a disk, against, in the
same run and interleaved:
  - the hashing floor: `openssl speed -evp sha256 -bytes 16384` (OpenSSL's own figure);
  - what a user would do by hand: the file piped through `nc` into `tee FILE | sha256sum`
    on the receiving side (stored and hashed, as the server does).
The kit's figure is body throughput from READY to OK, read by a client written from
specs/upload.md that sends with sendfile(2) (its hash is computed before the clock
starts). The server's peak resident memory is VmHWM from /proc. The server runs on CPU 0
and the senders on CPU 1, as ../shared/bench does.

Usage: protocols/upload/bench/run_upload.py [--size BYTES] [--reps N] [--protokit PATH]
                                           [--server-cpus LIST]
Needs: openssl, nc (netcat-openbsd), taskset, a built protokit (bazel build -c opt
//examples/protokit).
"""
import argparse
import hashlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

SHM = "/dev/shm"
SERVER_CPUS = "0"


def make_file(path, size):
    chunk = os.urandom(1 << 20)
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, len(chunk))
            f.write(chunk[:n])
            left -= n
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(1 << 20)
            if not block:
                break
            h.update(block)
    return h.hexdigest()


def openssl_sha256_rate():
    """Bytes per second of SHA-256 over 16 KiB blocks, as OpenSSL reports it."""
    out = subprocess.run(
        ["taskset", "-c", "0", "openssl", "speed", "-evp", "sha256", "-bytes", "16384",
         "-seconds", "3"], capture_output=True, text=True, check=True).stdout
    # The last line: "sha256  <rate>k" in thousands of bytes per second.
    for line in out.splitlines()[::-1]:
        m = re.match(r"^sha256\s+([\d.]+)k", line.strip())
        if m:
            return float(m.group(1)) * 1000
    raise RuntimeError("no sha256 figure in openssl speed output:\n" + out)


def read_line(sock, buf):
    while b"\n" not in buf:
        data = sock.recv(65536)
        if not data:
            raise RuntimeError("server closed; had %r" % buf)
        buf += data
    line, _, rest = buf.partition(b"\n")
    return line.rstrip(b"\r").decode(), rest


def vm_hwm_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def run_kit(protokit, src, size, digest):
    root = tempfile.mkdtemp(prefix="pkup-bench-root-", dir=SHM)
    server = subprocess.Popen(
        ["taskset", "-c", SERVER_CPUS, protokit, "serve", "upload", "--root", root,
         "--listen", "tcp:0:interface=127.0.0.1"], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        port = int(line.rsplit(":", 1)[1])
        os.sched_setaffinity(0, {1})
        with socket.create_connection(("127.0.0.1", port)) as sock, open(src, "rb") as f:
            greeting, buf = read_line(sock, b"")
            assert greeting.startswith("PKUP/1 "), greeting
            sock.sendall(("PUT %d %s bench.bin\n" % (size, digest)).encode())
            answer, buf = read_line(sock, buf)
            assert answer == "READY", answer
            started = time.monotonic()
            sent = 0
            while sent < size:
                sent += os.sendfile(sock.fileno(), f.fileno(), sent, size - sent)
            answer, buf = read_line(sock, buf)
            elapsed = time.monotonic() - started
            assert answer == "OK " + digest, answer
            hwm = vm_hwm_kib(server.pid)
            sock.sendall(b"QUIT\n")
            read_line(sock, buf)
        return size / elapsed, hwm
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


def run_kit_command(protokit, src, size, digest):
    """`protokit upload` as a user runs it: the whole command, its own hashing pass included."""
    root = tempfile.mkdtemp(prefix="pkup-bench-root-", dir=SHM)
    server = subprocess.Popen(
        ["taskset", "-c", SERVER_CPUS, protokit, "serve", "upload", "--root", root,
         "--listen", "tcp:0:interface=127.0.0.1"], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline().rsplit(":", 1)[1])
        started = time.monotonic()
        out = subprocess.run(["taskset", "-c", "1", protokit, "upload", "--no-progress", "--to",
                              "127.0.0.1:%d" % port, "%s=bench.bin" % src],
                             capture_output=True, text=True, check=True).stdout
        elapsed = time.monotonic() - started
        assert out.split()[0] == digest, out
        return size / elapsed
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_nc(src, size, digest):
    out = os.path.join(SHM, "pkup-bench-nc.out")
    port = free_port()
    receiver = subprocess.Popen(
        ["taskset", "-c", SERVER_CPUS, "sh", "-c",
         "nc -l 127.0.0.1 %d | tee %s | sha256sum" % (port, out)],
        stdout=subprocess.PIPE, text=True)
    try:
        os.sched_setaffinity(0, {1})
        deadline = time.monotonic() + 10
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port))
                break
            except ConnectionRefusedError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)  # waiting for nc to listen: a benchmark, not a test
        started = time.monotonic()
        with sock, open(src, "rb") as f:
            sent = 0
            while sent < size:
                sent += os.sendfile(sock.fileno(), f.fileno(), sent, size - sent)
            sock.shutdown(socket.SHUT_WR)
            result = receiver.stdout.read()
        receiver.wait(timeout=60)
        elapsed = time.monotonic() - started
        assert result.split()[0] == digest, result
        return size / elapsed
    finally:
        if receiver.poll() is None:
            receiver.kill()
        if os.path.exists(out):
            os.remove(out)


def mb(rate):
    return "%.0f" % (rate / 1e6)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1 << 30)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--protokit", default="bazel-bin/examples/protokit/protokit")
    parser.add_argument("--server-cpus", default="0",
                        help="taskset list for the receiving side (default 0; 0,1 lets the "
                        "server's hash and file threads use both cores, as nc|tee|sha256sum may)")
    args = parser.parse_args()
    global SERVER_CPUS
    SERVER_CPUS = args.server_cpus
    src = os.path.join(SHM, "pkup-bench-src.bin")
    digest = make_file(src, args.size)
    try:
        kit, command, nc, floor, hwm = [], [], [], [], []
        for _ in range(args.reps):
            floor.append(openssl_sha256_rate())
            rate, peak = run_kit(args.protokit, src, args.size, digest)
            kit.append(rate)
            hwm.append(peak)
            command.append(run_kit_command(args.protokit, src, args.size, digest))
            nc.append(run_nc(src, args.size, digest))
        print("PKUP/1 upload of %d bytes over loopback into /dev/shm, %d runs, receiver on "
          "CPU %s (MB/s):" % (args.size, args.reps, SERVER_CPUS))
        print("| | median | runs |")
        print("|---|---|---|")
        print("| openssl speed sha256 16 KiB | %s | %s |" % (mb(statistics.median(floor)),
                                                         " ".join(map(mb, floor))))
        print("| protokit READY..OK | %s | %s |" % (mb(statistics.median(kit)),
                                                 " ".join(map(mb, kit))))
        print("| protokit upload (whole command, hashes first) | %s | %s |" % (
            mb(statistics.median(command)), " ".join(map(mb, command))))
        print("| nc \\| tee \\| sha256sum | %s | %s |" % (mb(statistics.median(nc)),
                                                    " ".join(map(mb, nc))))
        ratios = [k / f for k, f in zip(kit, floor)]
        print("protokit / openssl per run: %s" % " ".join("%.2f" % r for r in ratios))
        print("protokit / nc per run: %s" % " ".join("%.2f" % (k / n) for k, n in zip(kit, nc)))
        print("server VmHWM per run (MiB): %s" % " ".join("%.1f" % (h / 1024) for h in hwm))
    finally:
        os.remove(src)


if __name__ == "__main__":
    sys.exit(main())
