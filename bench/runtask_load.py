#!/usr/bin/env python3
"""Load for `tfaudit serve --run-task`: run tasks per second and latency from
request to callback, at several numbers of concurrent runs.

A platform stand-in on 127.0.0.1 serves the plan JSON (Bearer token
checked) and takes the result callbacks, stamping each on arrival. Each of C
client threads sends a signed post_plan request, waits for its callback,
and sends the next (a closed loop of C runs in flight). The peer is curl
fetching the same plan from the same server: the floor of one task's
download.

usage: runtask_load.py TFAUDIT PLAN CHECKLIST CONCURRENCY... (stdout: a table)
"""
import hashlib
import hmac
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "bench-token"
KEY = b"bench-hmac-key"


class Platform(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, plan):
        super().__init__(("127.0.0.1", 0), Handler)
        self.plan = plan
        self.done = {}
        self.cond = threading.Condition()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.server.plan)))
        self.end_headers()
        self.wfile.write(self.server.plan)

    def do_PATCH(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        now = time.monotonic()
        trid = self.path.split("/")[-2]
        status = json.loads(body)["data"]["attributes"]["status"]
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")
        with self.server.cond:
            self.server.done[trid] = (now, status)
            self.server.cond.notify_all()


def request(base, trid):
    return json.dumps({
        "payload_version": 1, "stage": "post_plan", "access_token": TOKEN,
        "is_speculative": False, "organization_name": "bench", "run_id": "run-" + trid,
        "run_created_by": "bench", "task_result_id": trid,
        "task_result_callback_url": "%s/api/v2/task-results/%s/callback" % (base, trid),
        "task_result_enforcement_level": "mandatory", "workspace_id": "ws-bench",
        "workspace_name": "bench", "plan_json_api_url": "%s/plan" % base}).encode()


def run_level(port, platform, base, conc, per_client):
    lat = []
    lock = threading.Lock()

    def client(ci):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        for k in range(per_client):
            trid = "taskrs-c%d-%d-%d" % (conc, ci, k)
            body = request(base, trid)
            sig = hmac.new(KEY, body, hashlib.sha512).hexdigest()
            t0 = time.monotonic()
            conn.request("POST", "/", body, {"X-TFC-Task-Signature": sig,
                                             "Content-Type": "application/json"})
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                raise SystemExit("bench: request answered %d" % r.status)
            with platform.cond:
                while trid not in platform.done:
                    platform.cond.wait()
                t1 = platform.done[trid][0]
            with lock:
                lat.append(t1 - t0)

    start = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(conc)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - start
    lat.sort()
    p99 = lat[min(len(lat) - 1, int(round(0.99 * (len(lat) - 1))))]
    return len(lat) / wall, statistics.median(lat), p99, len(lat)


def curl_floor(base):
    times = []
    for _ in range(5):
        t0 = time.monotonic()
        subprocess.run(["curl", "-sf", "-o", "/dev/null", "-H", "Authorization: Bearer " + TOKEN,
                        base + "/plan"], check=True)
        times.append(time.monotonic() - t0)
    return statistics.median(times)


def main():
    tfaudit, plan_path, checklist = sys.argv[1:4]
    levels = [int(x) for x in sys.argv[4:]] or [1, 8, 64]
    with open(plan_path, "rb") as f:
        plan = f.read()
    platform = Platform(plan)
    threading.Thread(target=platform.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % platform.server_address[1]
    work = tempfile.mkdtemp(prefix="tfa-bench-serve-")
    key = os.path.join(work, "key")
    with open(key, "wb") as f:
        f.write(KEY)
    os.chmod(key, 0o600)
    port_file = os.path.join(work, "port")
    proc = subprocess.Popen([tfaudit, "serve", "--run-task", "--listen", "127.0.0.1:0",
                             "--checklist", checklist, "--hmac-key-file", key,
                             "--ledger", os.path.join(work, "ledger.db"), "--port-file", port_file,
                             "--workers", str(os.cpu_count() or 2), "--queue", "4096"],
                            stderr=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(port_file):
            break
        time.sleep(0.05)
    port = int(open(port_file).read())
    floor = curl_floor(base)
    print("== run task: %.1f MB plan, %d workers; peer: curl GET of the same plan %.3f s" %
          (len(plan) / 1e6, os.cpu_count() or 2, floor))
    print("%-11s %6s %9s %9s %9s %10s" % ("concurrent", "runs", "runs/s", "p50_s", "p99_s",
                                          "p50/curl"))
    for conc in levels:
        per = max(2, 64 // conc) if conc < 64 else 2
        rate, p50, p99, n = run_level(port, platform, base, conc, per)
        print("%-11d %6d %9.2f %9.3f %9.3f %10.1f" % (conc, n, rate, p50, p99, p50 / floor))
    with open("/proc/%d/status" % proc.pid) as f:
        hwm = [l.split()[1] for l in f if l.startswith("VmHWM")][0]
    proc.terminate()
    proc.wait(timeout=60)
    print("peak RSS of tfaudit serve: %.1f MB" % (int(hwm) / 1024))
    statuses = {s for _, s in platform.done.values()}
    print("results: %d callbacks, statuses %s" % (len(platform.done), sorted(statuses)))
    platform.shutdown()


if __name__ == "__main__":
    main()
