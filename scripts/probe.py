#!/usr/bin/env python3
"""Hostile-client probe of a running `chaxin serve` on loopback (findings 1-8 of the
security issue). Prints one line per case: what was sent, what came back, and OK / FAIL
against what the server should do. Every loop is bounded in count and time; it only talks to
the address given, which must be on this machine.

    scripts/probe.py --base http://127.0.0.1:7700 --write-key KEY --pid PID [--data DIR]

The server is expected to run with only a write key (reads open), as documented by default,
and with `--timeout-ms 100 --max-writes 4 --upload-idle-ms 2000` so the cases end quickly.
It is left with the records it had: every record the probe writes is deleted again.
"""

import argparse
import json
import os
import shutil
import subprocess
import socket
import sys
import threading
import time
import urllib.parse

RESULTS = []


def report(case, got, ok):
    RESULTS.append(ok)
    print(f"{'OK  ' if ok else 'FAIL'} {case}: {got}", flush=True)


class Conn:
    def __init__(self, host, port, timeout=30):
        self.sock = socket.create_connection((host, port), timeout=timeout)

    def send(self, data):
        self.sock.sendall(data)

    def response(self):
        raw = b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                raw += chunk
                head, sep, body = raw.partition(b"\r\n\r\n")
                if sep:
                    length = None
                    for line in head.split(b"\r\n")[1:]:
                        k, _, v = line.partition(b":")
                        if k.strip().lower() == b"content-length":
                            length = int(v.strip())
                    if length is not None and len(body) >= length:
                        break
        except (socket.timeout, ConnectionResetError):
            pass
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            headers[k.strip().lower().decode(errors="replace")] = v.strip().decode(errors="replace")
        return status, headers, body.decode(errors="replace")

    def reset(self):
        # SO_LINGER 0: close sends RST, as a crashed client or a dropped network would.
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        self.sock.close()

    def close(self):
        self.sock.close()


def request(base, method, path, headers=(), body=b"", timeout=60):
    u = urllib.parse.urlsplit(base)
    c = Conn(u.hostname, u.port, timeout)
    head = f"{method} {path} HTTP/1.1\r\nHost: {u.netloc}\r\nConnection: close\r\nContent-Length: {len(body)}\r\n"
    for k, v in headers:
        head += f"{k}: {v}\r\n"
    c.send(head.encode() + b"\r\n" + body)
    out = c.response()
    c.close()
    return out


def documents(base):
    return json.loads(request(base, "GET", "/healthz")[2]).get("documents")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0


def cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def records(n, tag):
    return [json.dumps({"id": f"probe-{tag}-{i}", "title": f"探针记录 probe record {i}", "abstract": "一种无线生理传感器贴片 wireless sensor patch"}, ensure_ascii=False) for i in range(n)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--write-key", required=True)
    ap.add_argument("--pid", type=int, required=True)
    a = ap.parse_args()
    base, pid = a.base, a.pid
    host = urllib.parse.urlsplit(base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("loopback only")
    auth = ("Authorization", f"Bearer {a.write_key}")
    u = urllib.parse.urlsplit(base)
    ndjson = ("Content-Type", "application/x-ndjson")

    # 2. Proximity x truncation, and CPU after a timeout.
    enc = urllib.parse.quote
    chain = " NEAR/1000 ".join(p + "*" for p in ["co", "re", "pr", "in", "de", "st", "ma", "tr", "se", "pa", "ac", "di"])
    stems = ["co", "re", "pr", "in", "de", "st", "ma", "tr", "se", "pa", "ac", "di", "ex", "pe", "an", "fo", "sy", "me", "el", "ca"]
    long = " NEAR/1000 ".join(p + "*" for p in (stems * 10)[:150])[:1990].rsplit(" NEAR", 1)[0]
    for name, q in [("co* NEAR/1000 re*", "co* NEAR/1000 re*"), ("12-term chain", chain), (f"{len(long)}-char chain", long)]:
        c0, t0 = cpu_s(pid), time.time()
        s, _, b = request(base, "GET", "/v1/search?q=" + enc(q))
        took = time.time() - t0
        c1 = cpu_s(pid)
        report(f"2 {name}", f"{s} in {took:.2f} s, {c1 - c0:.2f} s CPU {b[:60]}", s in (200, 400, 503) and took < 2.0)
    c0 = cpu_s(pid)
    threads = [threading.Thread(target=request, args=(base, "GET", "/v1/search?q=" + enc(chain))) for _ in range(9)]
    t0 = time.time()
    [t.start() for t in threads]
    [t.join() for t in threads]
    answered = time.time() - t0
    c1 = cpu_s(pid)
    time.sleep(0.3)
    c2 = cpu_s(pid)
    report("2 nine 12-term chains at once", f"answered in {answered:.2f} s, {c1 - c0:.2f} s CPU, {c2 - c1:.2f} s CPU in the 300 ms after", c2 - c1 < 0.1)

    # 3. Method names as metrics labels.
    r0 = rss_mb(pid)
    for i in range(2000):
        c = Conn(u.hostname, u.port)
        c.send(f"{'X' * 2000}{i} /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        c.response()
        c.close()
    metrics = request(base, "GET", "/metrics")[2]
    report("3 2000 requests with 2000-byte methods", f"/metrics {len(metrics)} bytes, RSS {r0:.0f} → {rss_mb(pid):.0f} MB", len(metrics) < 200_000 and "XXXX" not in metrics)

    # 4. Reset mid-upload (Content-Length, then chunked), queued behind a stalled upload that
    # holds the write lock; the part sent ends on a line boundary, so it is valid on its own.
    before = documents(base)
    recs = records(60000, "reset")
    lines = ("\n".join(recs) + "\n").encode()
    part = ("\n".join(recs[:20000]) + "\n").encode()
    head = f"POST /v1/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {a.write_key}\r\nContent-Type: application/x-ndjson\r\n"
    for style in ("content-length", "chunked"):
        holder = Conn(u.hostname, u.port)
        holder.send((head + "Content-Length: 1000\r\n\r\n{").encode())
        time.sleep(0.3)
        c = Conn(u.hostname, u.port)
        if style == "chunked":
            c.send((head + "Transfer-Encoding: chunked\r\n\r\n").encode() + f"{len(part):x}\r\n".encode() + part + b"\r\n")
        else:
            c.send((head + f"Content-Length: {len(lines)}\r\n\r\n").encode() + part)
        time.sleep(0.3)
        c.reset()
        time.sleep(0.3)
        holder.reset()
    # Writes are serialised: once this one is answered, the reset ones have ended.
    s, _, b = request(base, "POST", "/v1/documents", [auth, ndjson], (records(1, "after")[0] + "\n").encode())
    after = documents(base)
    report("4 two uploads reset after 20,000 of 60,000 lines, queued behind a stalled one", f"records {before} → {after} (one acknowledged since)", after == before + 1)
    request(base, "DELETE", "/v1/documents/probe-after-0", [auth])

    # 5. Memory of large lines and of a large import (zstd bombs of 3 KB to 4 KB).
    def zstd(data):
        return subprocess.run(["zstd", "-19", "-q", "-c"], input=data, capture_output=True, check=True).stdout

    if shutil.which("zstd") is None:
        report("5 memory", "the zstd command is missing (apt-get install zstd)", False)
    else:
        big = json.dumps({"id": "probe-big", "title": "大记录 big record", "abstract": "传感器 sensor " * (15 * 1024 * 1024 // 20)}, ensure_ascii=False)[: 15 * 1024 * 1024 - 2] + '"}'
        for name, body, query in [
            ("one 15 MiB line", big.encode() + b"\n", ""),
            ("three 15 MiB lines, zstd", zstd(((big + "\n") * 3).encode()), ""),
            ("32 MiB RIS import, zstd", zstd(("TY  - JOUR\nTI  - 稀土永磁材料 rare earth magnet\nAU  - 张三\nPY  - 2019\nER  - \n" * 550_000).encode()[: 32 << 20]), "?format=ris&skip_invalid=true"),
        ]:
            peak = [rss_mb(pid)]
            r0 = peak[0]
            done = threading.Event()

            def watch():
                while not done.is_set():
                    peak[0] = max(peak[0], rss_mb(pid))
                    time.sleep(0.02)

            w = threading.Thread(target=watch)
            w.start()
            headers = [auth, ndjson] + ([("Content-Encoding", "zstd")] if "zstd" in name else [])
            s, _, b = request(base, "POST", "/v1/documents" + query, headers, body, timeout=300)
            done.set()
            w.join()
            report(f"5 {name} ({len(body)} bytes sent)", f"{s}, RSS {r0:.0f} → peak {peak[0]:.0f} MB", s in (200, 413, 422) and peak[0] - r0 < 1500)
        request(base, "DELETE", "/v1/documents/probe-big", [auth])
        print("     (the RIS records were not removed: re-index to drop them, or run against a scratch index)")

    # 6. Stalled uploads, a slow body, searches meanwhile, a PUT whose client left.
    stalled = []
    for _ in range(40):
        c = Conn(u.hostname, u.port, timeout=60)
        c.send(f"POST /v1/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {a.write_key}\r\nContent-Type: application/x-ndjson\r\nContent-Length: 100000\r\n\r\n{{".encode())
        stalled.append(c)
    t0 = time.time()
    s, _, _ = request(base, "GET", "/v1/search?q=" + enc("传感器"))
    h, _, hb = request(base, "GET", "/healthz")
    report("6 search while 40 uploads stall", f"search {s} in {time.time() - t0:.2f} s, healthz {h}", s == 200 and h == 200)
    # Read at once (a server without body timeouts answers none: 20 s each, in parallel).
    answers = [None] * len(stalled)

    def answer(i):
        stalled[i].sock.settimeout(20)
        answers[i] = stalled[i].response()

    readers = [threading.Thread(target=answer, args=(i,)) for i in range(len(stalled))]
    [t.start() for t in readers]
    [t.join() for t in readers]
    [c.close() for c in stalled]
    codes = sorted({st for st, _, _ in answers})
    retry = [hd.get("retry-after") for st, hd, _ in answers if st == 429]
    report("6 the 40 stalled uploads", f"statuses {codes}, Retry-After {set(retry)}", set(codes) <= {408, 429} and 429 in codes and all(retry))
    slow = Conn(u.hostname, u.port, timeout=60)
    slow.send(f"POST /v1/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {a.write_key}\r\nContent-Type: application/x-ndjson\r\nContent-Length: 100000\r\n\r\n".encode())
    put = Conn(u.hostname, u.port)
    body = json.dumps({"title": "客户端已离开 client gone"}).encode()
    put.send(f"PUT /v1/documents/probe-gone HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {a.write_key}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
    time.sleep(0.2)
    put.reset()
    t0 = time.time()
    status = 0
    slow.sock.settimeout(0.2)
    status = 0
    while time.time() - t0 < 30:
        try:
            slow.send(b" ")
            got = slow.sock.recv(65536)
            status = int(got.split()[1]) if got else 0
            break
        except socket.timeout:
            continue
        except OSError:
            slow.sock.settimeout(5)
            status = slow.response()[0]
            break
    report("6 a body at 5 bytes/s", f"{status} after {time.time() - t0:.1f} s", status == 408 and time.time() - t0 < 30)
    slow.close()
    request(base, "PUT", "/v1/documents/probe-sync", [auth, ("Content-Type", "application/json")], b'{"title":"sync"}')
    s = request(base, "GET", "/v1/documents/probe-gone")[0]
    report("6 the PUT whose client left while queued", f"GET afterwards: {s}", s == 404)
    request(base, "DELETE", "/v1/documents/probe-sync", [auth])
    request(base, "DELETE", "/v1/documents/probe-gone", [auth])

    # 7. Reserved index names.
    for name in ["aliases.json", "index.building", "main"]:
        s, _, b = request(base, "POST", "/v1/indexes", [auth, ("Content-Type", "application/json")], json.dumps({"name": name}).encode())
        report(f"7 index named {name}", f"{s} {b[:80]}", s == 422)
        if s == 201:
            request(base, "DELETE", f"/v1/indexes/{name}", [auth])

    # 8. The LOW findings.
    s, _, b = request(base, "GET", "/v1/search?q=%FF%FE")
    report("8 query that is not UTF-8", f"{s} {b[:80]}", s == 400 and '"q"' in b)
    s, _, b = request(base, "GET", "/v1/documents/US%FF")
    report("8 record id that is not UTF-8", f"{s} {b[:80]}", s == 400)
    s, _, _ = request(base, "HEAD", "/healthz")
    report("8 HEAD /healthz", f"{s}", s == 200)
    points = ["以软测量结果替代氮氧化物在线分析仪进行燃烧优化控制" * 80] * 20
    body = json.dumps({"points": [p[:2000] for p in points], "limit": 0}, ensure_ascii=False).encode()
    s, _, b = request(base, "POST", "/v1/novelty", [("Content-Type", "application/json")], body)
    report(f"8 20 points of 2,000 Chinese characters ({len(body)} bytes, limit 0)", f"{s} {b[:70]}", s == 422 and "limit" in b)

    # 1. Percent-encoded paths of write routes, without a key (last: on a server with the
    # hole, it empties the index).
    before = documents(base)
    for method, path, body in [
        ("DELETE", "/v1/%64ocuments/US8926509", b""),
        ("POST", "/v1/%69ndexes", b'{"name":"empty"}'),
        ("POST", "/v1/%61liases", b'{"alias":"main","index":"empty"}'),
        ("DELETE", "/v1/%69ndexes/index", b""),
        ("PUT", "/v1/docu%6Dents/probe-x", b'{"title":"x"}'),
    ]:
        s, _, b = request(base, method, path, [("Content-Type", "application/json")], body)
        report(f"1 {method} {path} without a key", f"{s} {b[:70]}", s in (401, 403))
    report("1 records after the encoded writes", f"{documents(base)} (before {before})", documents(base) == before)

    print(f"{sum(RESULTS)} passed, {len(RESULTS) - sum(RESULTS)} failed")
    sys.exit(0 if all(RESULTS) else 1)


if __name__ == "__main__":
    main()
