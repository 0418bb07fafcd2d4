#!/usr/bin/env python3
"""What one anonymous address can do to `trellis serve` (issue 10, section 3).

  bench/http_abuse.py upload [BIN]   3 anonymous connections each POST a 200 MiB body
                                     slowly to the roster upload route; prints the
                                     server's RSS before, the peak while they send, and
                                     what each connection got back
  bench/http_abuse.py idle [BIN]     IDLE_N (1,000) idle connections from 127.0.0.1 (every
                                     third one with a partial request line), then 200 GET
                                     /healthz from 127.0.0.2, one connection each; prints
                                     how many the server closed, the latency (p50, p99,
                                     max) and the failures

BIN defaults to build/src/cli/trellis (a release build: scripts/build.sh build). The
server runs with the settings of the environment (TRELLIS_*) on 127.0.0.1:0, a fresh
database in a temporary directory, and the open-file limit this process has (the
`ulimit -n` of the shell).
"""
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def start(binary):
    d = tempfile.mkdtemp(prefix="trellis-abuse-")
    db = os.path.join(d, "t.db")
    subprocess.run([binary, "init", "--db", db], check=True, capture_output=True)
    env = dict(os.environ, TRELLIS_LOG_LEVEL=os.environ.get("TRELLIS_LOG_LEVEL", "warn"))
    p = subprocess.Popen([binary, "serve", "--db", db, "--listen", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=open(os.path.join(d, "err"), "w"),
                         env=env, text=True)
    line = p.stdout.readline()
    m = re.match(r"listening on http://127\.0\.0\.1:(\d+)", line)
    if not m:
        p.kill()
        raise SystemExit("server did not start: " + open(os.path.join(d, "err")).read())
    return p, int(m.group(1)), d


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for l in f:
            if l.startswith("VmRSS:"):
                return int(l.split()[1]) / 1024
    return 0.0


def upload(binary):
    p, port, d = start(binary)
    try:
        time.sleep(0.5)
        before = rss_mib(p.pid)
        size = 200 * 1024 * 1024
        socks = []
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall((f"POST /api/v1/districts/1/roster/imports HTTP/1.1\r\nHost: x\r\n"
                       f"Content-Type: application/zip\r\nContent-Length: {size}\r\n\r\n").encode())
            s.setblocking(False)
            socks.append([s, 0, b"", False])
        chunk = b"\0" * (256 * 1024)
        peak = before
        t0 = time.monotonic()
        # slowly: 256 KiB per connection every 10 ms (about 25 MiB/s each)
        while any(not c[3] for c in socks) and time.monotonic() - t0 < 120:
            for c in socks:
                s = c[0]
                if c[3]:
                    continue
                try:
                    got = s.recv(65536)
                    if got:
                        c[2] += got
                    else:
                        c[3] = True
                        continue
                except BlockingIOError:
                    pass
                except OSError:
                    c[3] = True
                    continue
                if c[1] < size:
                    try:
                        n = s.send(chunk[: min(len(chunk), size - c[1])])
                        c[1] += n
                    except BlockingIOError:
                        pass
                    except OSError:
                        c[3] = True
                elif c[2]:
                    c[3] = True
            peak = max(peak, rss_mib(p.pid))
            time.sleep(0.01)
        for i, c in enumerate(socks):
            status = c[2].split(b"\r\n", 1)[0].decode(errors="replace") or "(no answer)"
            print(f"connection {i + 1}: sent {c[1] / 1048576:.1f} MiB, answer: {status}")
            c[0].close()
        print(f"server RSS: {before:.0f} MiB before, {peak:.0f} MiB peak "
              f"({time.monotonic() - t0:.1f} s)")
    finally:
        p.kill()
        p.wait()
        shutil.rmtree(d, ignore_errors=True)


def healthz_once(port):
    t0 = time.monotonic()
    s = socket.socket()
    s.settimeout(5)
    try:
        s.bind(("127.0.0.2", 0))
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            got = s.recv(4096)
            if not got:
                break
            data += got
        ok = data.startswith(b"HTTP/1.1 200")
    except OSError:
        ok = False
    finally:
        s.close()
    return (time.monotonic() - t0) * 1000, ok


def idle(binary):
    p, port, d = start(binary)
    held = []
    try:
        refused = 0
        for i in range(int(os.environ.get("IDLE_N", "1000"))):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            try:
                s.connect(("127.0.0.1", port))
                if i % 3 == 0:
                    s.sendall(b"GET /healthz HT")
                held.append(s)
            except OSError:
                refused += 1
                s.close()
        time.sleep(1)
        closed = 0
        for s in held:
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    closed += 1
            except BlockingIOError:
                pass
            except OSError:
                closed += 1
        lat, fails = [], 0
        for _ in range(200):
            ms, ok = healthz_once(port)
            lat.append(ms)
            fails += 0 if ok else 1
        lat.sort()
        print(f"{len(held) + refused} idle connections from 127.0.0.1 ({refused} refused at "
              f"connect, {closed} closed by the server); "
              f"GET /healthz from 127.0.0.2 x200: p50 {statistics.median(lat):.1f} ms, "
              f"p99 {lat[int(len(lat) * 0.99) - 1]:.1f} ms, max {lat[-1]:.1f} ms, "
              f"failed {fails}")
    finally:
        for s in held:
            s.close()
        p.kill()
        p.wait()
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    binary = sys.argv[2] if len(sys.argv) > 2 else "build/src/cli/trellis"
    if what == "upload":
        upload(binary)
    elif what == "idle":
        idle(binary)
    else:
        raise SystemExit(__doc__)
