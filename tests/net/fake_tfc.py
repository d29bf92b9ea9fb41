#!/usr/bin/env python3
"""fake_tfc.py - a fake HCP Terraform API, file server and webhook receiver
for tfaudit's network tests. Python 3 standard library only.

It binds 127.0.0.1 on an ephemeral port and writes the port number to
--port-file (atomically) once it accepts connections. Every request is
appended to --log as one JSON line (method, path with query, Host header,
Authorization header, body, and whether the --canary string appeared
anywhere in it) BEFORE the response is sent, so a test that got a response
can read its request from the log.

Routes (HOST is 127.0.0.1:PORT; OTHER is localhost:PORT, another origin):
  GET  /api/v2/runs/RUN                      fixtures/tfc/runs/RUN.json
  GET  /api/v2/plans/PLAN/json-output        307 -> OTHER/_archivist/v1/object/PLAN.json?X-Amz-Signature=...
  PATCH /api/v2/task-results/ID/callback     200 (a run task's result)
  GET  /api/v2/workspaces/WS/current-assessment-result
                                             fixtures/tfc/assessments/WS.json
  GET  /api/v2/assessment-results/ID/json-output | /log-output
                                             307 -> OTHER/_archivist/v1/object/ID.json | ID.log
       Every /api/v2 route needs "Authorization: Bearer TOKEN" (--token): 401 otherwise.
  GET  /_archivist/v1/object/NAME            fixtures/tfc/archivist/NAME; .log files are
                                             framed with STX ... ETX as archivist does
  GET  /file/PATH                            fixtures/PATH
  GET  /corpus/PATH                          --corpus/PATH (the shared corpus), if given
  GET  /echo                                 200 "echo" (see the log for what arrived)
  POST /hook                                 200 "ok"; /hook/CODE answers CODE
  /github/..., /gitlab/...                   PR / MR comments (fake_forge.py)
  POST /_fault  {"path": P, "actions": "r429.1,ok"}  script the next requests to
                the exact path P (any route) with the actions below
Fault injection composes with every route:
  /f/ACTIONS/KEY/REST   ACTIONS is a comma list consumed one per request for
                        this exact ACTIONS/KEY; once used up, /REST is served.
                        An action ending in "*" repeats forever once reached.
     ok          serve /REST now
     sNNN        status NNN with a small JSON:API error body
     rNNN.S      status NNN with "Retry-After: S"
     dNNN.S      status NNN with Retry-After as the HTTP-date S seconds ahead
     drip        Content-Length 100000, then 16 bytes every 0.25 s (at most 20 s)
     slow        2000 bytes/s of a 20000-byte body (10 s)
     trunc       the real /REST response with Content-Length intact but only
                 half the body sent, then the connection closed
     big.N       200 with N bytes (Content-Length given)
     bigc.N      200 with N bytes and no Content-Length (ends at close)
     redir.H     302 to SCHEME://H:PORT/REST (H = localhost or 127.0.0.1)
     redirp.H    302 to http://H:PORT/REST (a downgrade from an https server)
     loop        302 to this same URL, forever
     close       close the connection without answering
"""
import argparse
import email.utils
import json
import os
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import fake_forge

STX, ETX = b"\x02", b"\x03"
SIGNATURE = "X-Amz-Signature=SIGNED-QUERY-SECRET-5e1f"


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.counters = {}
        self.scripts = {}  # exact path -> actions, armed through POST /_fault
        self.port = 0
        self.scheme = "https" if args.tls_cert else "http"

    def next_action(self, key, actions):
        with self.lock:
            n = self.counters.get(key, 0)
            self.counters[key] = n + 1
        for i, a in enumerate(actions):
            if a.endswith("*") and n >= i:
                return a[:-1]
        return actions[n] if n < len(actions) else "ok"

    def log(self, entry):
        if not self.args.log:
            return
        line = json.dumps(entry, sort_keys=True)
        with self.lock:
            with open(self.args.log, "a", encoding="utf-8") as f:
                f.write(line + "\n")
                f.flush()


def safe_join(root, rel):
    """root/rel, or None when rel tries to leave root."""
    if not root or ".." in rel.split("/") or rel.startswith("/"):
        return None
    path = os.path.normpath(os.path.join(root, rel))
    if not path.startswith(os.path.normpath(root) + os.sep):
        return None
    return path


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-tfc/1"

    def log_message(self, fmt, *args):  # quiet: the JSON log is the record
        pass

    @property
    def st(self):
        return self.server.state

    def base(self, host):
        return "%s://%s:%d" % (self.st.scheme, host, self.st.port)

    # ---- plumbing ---------------------------------------------------------

    def record(self, body):
        auth = self.headers.get("Authorization")
        text = body.decode("utf-8", "replace")
        canary = self.st.args.canary
        seen = bool(canary) and (canary in text or canary in self.path or
                                 any(canary in v for v in self.headers.values()))
        self.st.log({"method": self.command, "path": self.path,
                     "host": self.headers.get("Host"), "authorization": auth,
                     "content_type": self.headers.get("Content-Type"),
                     "accept": self.headers.get("Accept"),
                     "body": text, "canary": seen})

    def send(self, code, body=b"", ctype="application/json", headers=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error_doc(self, code, title):
        doc = {"errors": [{"status": str(code), "title": title}]}
        self.send(code, json.dumps(doc).encode(), "application/vnd.api+json")

    # ---- entry points -----------------------------------------------------

    def do_GET(self):
        self.record(b"")
        self.dispatch(self.path, b"")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        self.record(body)
        self.dispatch(self.path, body)

    do_PATCH = do_POST  # run-task result callbacks, PR comment edits
    do_PUT = do_POST

    def dispatch(self, path, body):
        try:
            if path == "/_fault" and self.command == "POST":
                return self.arm(body)
            if path.startswith("/f/"):
                return self.fault(path, body)
            script = self.st.scripts.get(urlsplit(path).path)
            if script:
                act = self.st.next_action("S:" + urlsplit(path).path, script)
                return self.act(act, path, path, body)
            return self.route(path, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    # ---- faults -----------------------------------------------------------

    def fault(self, path, body):
        parts = path.split("/", 4)  # "", "f", ACTIONS, KEY, REST
        if len(parts) < 5:
            return self.error_doc(400, "bad fault path")
        actions, key, rest = parts[2].split(","), parts[3], "/" + parts[4]
        act = self.st.next_action(parts[2] + "/" + key, actions)
        return self.act(act, path, rest, body)

    def arm(self, body):
        req = json.loads(body.decode())
        with self.st.lock:
            self.st.scripts[req["path"]] = req["actions"].split(",")
            self.st.counters.pop("S:" + req["path"], None)
        return self.send(200, b"armed", "text/plain")

    def act(self, act, path, rest, body):
        """Perform one fault action; `rest` is what "ok" serves."""
        if act == "ok":
            return self.route(rest, body)
        if act[0] in "sr" and act[1:4].isdigit():
            code = int(act[1:4])
            hdrs = {"Retry-After": act[5:]} if act[0] == "r" else None
            return self.error_doc_with(code, hdrs)
        if act[0] == "d" and act[1:4].isdigit():
            when = email.utils.formatdate(time.time() + float(act[5:]), usegmt=True)
            return self.error_doc_with(int(act[1:4]), {"Retry-After": when})
        if act == "drip":
            return self.trickle(100000, 16, 0.25, 20)
        if act == "slow":
            return self.trickle(20000, 500, 0.25, 10)
        if act == "trunc":
            return self.truncated(rest)
        if act.startswith("big.") or act.startswith("bigc."):
            return self.big(int(act.split(".", 1)[1]), act.startswith("bigc."))
        if act.startswith("redir."):
            return self.send(302, b"", "text/plain",
                             {"Location": self.base(act[6:]) + rest})
        if act.startswith("redirp."):
            return self.send(302, b"", "text/plain",
                             {"Location": "http://%s:%d%s" % (act[7:], self.st.port, rest)})
        if act == "loop":
            return self.send(302, b"", "text/plain",
                             {"Location": self.base("127.0.0.1") + path})
        if act == "close":
            self.close_connection = True
            return None
        return self.error_doc(400, "unknown fault " + act)

    def error_doc_with(self, code, headers):
        doc = {"errors": [{"status": str(code), "title": "injected"}]}
        self.send(code, json.dumps(doc).encode(), "application/vnd.api+json", headers)

    def trickle(self, length, chunk, every, limit):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        sent, start = 0, time.time()
        while sent < length and time.time() - start < limit:
            self.wfile.write(b"x" * chunk)
            self.wfile.flush()
            sent += chunk
            time.sleep(every)
        self.close_connection = True

    def truncated(self, rest):
        content, ctype = self.content_for(rest)
        if content is None:
            return self.error_doc(404, "not found")
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content[: len(content) // 2])
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def big(self, n, chunked):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if chunked:
            self.send_header("Connection", "close")
        else:
            self.send_header("Content-Length", str(n))
        self.end_headers()
        block = b"{" + b" " * 65534 + b"}"
        left = n
        while left > 0:
            self.wfile.write(block[: min(left, len(block))])
            left -= min(left, len(block))
        self.close_connection = True

    # ---- the fake API and files ------------------------------------------

    def content_for(self, path):
        """(bytes, content type) of a plain file route, or (None, None)."""
        p = urlsplit(path).path
        fixtures = self.st.args.fixtures
        if p.startswith("/_archivist/v1/object/"):
            f = safe_join(os.path.join(fixtures, "tfc", "archivist"), p[22:])
            if not f or not os.path.isfile(f):
                return None, None
            data = open(f, "rb").read()
            if f.endswith(".log"):
                data = STX + data + ETX
            return data, "application/octet-stream"
        for prefix, root in (("/file/", fixtures), ("/corpus/", self.st.args.corpus)):
            if p.startswith(prefix):
                f = safe_join(root, p[len(prefix):])
                if f and os.path.isfile(f):
                    return open(f, "rb").read(), "application/octet-stream"
                return None, None
        return None, None

    def authorized(self):
        want = "Bearer " + (self.st.args.token or "")
        return self.headers.get("Authorization") == want

    def api_doc(self, f):
        if not os.path.isfile(f):
            return self.error_doc(404, "not found")
        text = open(f, encoding="utf-8").read()
        text = text.replace("{{API}}", self.base("127.0.0.1"))
        text = text.replace("{{ARCHIVIST}}", self.base("localhost") + "/_archivist")
        text = text.replace("{{SIGNATURE}}", SIGNATURE)
        self.send(200, text.encode(), "application/vnd.api+json")

    def archivist_redirect(self, name):
        loc = "%s/_archivist/v1/object/%s?%s" % (self.base("localhost"), name, SIGNATURE)
        self.send(307, b"", "text/plain", {"Location": loc})

    def api(self, p):
        if not self.authorized():
            return self.error_doc(401, "unauthorized")
        seg = p.split("/")[3:]  # after "", "api", "v2"
        tfc = os.path.join(self.st.args.fixtures, "tfc")
        ok_id = all(c.isalnum() or c == "-" for c in "".join(seg))
        if not ok_id:
            return self.error_doc(404, "not found")
        if len(seg) == 2 and seg[0] == "runs":
            return self.api_doc(os.path.join(tfc, "runs", seg[1] + ".json"))
        if len(seg) == 3 and seg[0] == "plans" and seg[2] == "json-output":
            if os.path.isfile(os.path.join(tfc, "archivist", seg[1] + ".json")):
                return self.archivist_redirect(seg[1] + ".json")
            return self.send(204)
        if len(seg) == 3 and seg[0] == "task-results" and seg[2] == "callback":
            if self.command != "PATCH":
                return self.error_doc(405, "method not allowed")
            return self.send(200, b'{"data": {"type": "task-results"}}', "application/vnd.api+json")
        if len(seg) == 3 and seg[0] == "workspaces" and seg[2] == "current-assessment-result":
            return self.api_doc(os.path.join(tfc, "assessments", seg[1] + ".json"))
        if len(seg) == 3 and seg[0] == "assessment-results":
            ext = {"json-output": ".json", "log-output": ".log"}.get(seg[2])
            if ext and os.path.isfile(os.path.join(tfc, "archivist", seg[1] + ext)):
                return self.archivist_redirect(seg[1] + ext)
        return self.error_doc(404, "not found")

    def route(self, path, body):
        p = urlsplit(path).path
        if p.startswith("/api/v2/"):
            return self.api(p)
        if p.startswith("/github/") or p.startswith("/gitlab/"):
            return fake_forge.route(self, path, body)
        if p == "/echo":
            return self.send(200, b"echo\n", "text/plain")
        if p == "/hook" or p.startswith("/hook/"):
            code = int(p[6:]) if p[6:].isdigit() else 200
            return self.send(code, b"ok" if code == 200 else b"failed", "text/plain")
        content, ctype = self.content_for(path)
        if content is None:
            return self.error_doc(404, "not found")
        return self.send(200, content, ctype)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # aborted transfers are part of the tests


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--corpus")
    ap.add_argument("--log")
    ap.add_argument("--token", default="")
    ap.add_argument("--canary")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--lifetime", type=float, default=300.0)
    args = ap.parse_args()

    srv = Server(("127.0.0.1", 0), Handler)
    srv.state = State(args)
    srv.state.port = srv.server_address[1]
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    # A test that dies never leaves the server behind for long.
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.state.port)
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
