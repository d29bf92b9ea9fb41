#!/usr/bin/env python3
"""fault_proxy.py - a proxy in front of the S3 test server (server.js) that
checks every request's AWS Signature Version 4 and payload hash, and injects
faults on request. Python 3 standard library only; 127.0.0.1 only.

  fault_proxy.py --upstream PORT --port-file FILE --log FILE \
                 --key ACCESS_KEY --secret SECRET [--lifetime S]

For each request it logs one JSON line (before answering): method, path
(with query), whether the signature verified ("sig"), whether the body
hashes to x-amz-content-sha256 ("payload"), and the action taken. A request
that fails either check is answered 403 SignatureDoesNotMatch /
400 XAmzContentSHA256Mismatch, as AWS would, and never reaches the server.

Faults: POST /_fault {"method": "PUT", "match": "partNumber=2", "actions":
"s503,s503,ok"} scripts the next requests whose method is METHOD and whose
path contains MATCH. Actions are consumed one per request; one ending in
"*" repeats forever once reached; after the list, requests pass.
  ok     forward to the server
  s503   503 SlowDown (S3's throttling answer)
  s500   500 InternalError
  drop   read half the body, then close the connection without an answer
  norange  forward without the Range header (a server that ignores Range)
  s416   416 InvalidRange (S3's answer to a range of an empty object)
"""
import argparse
import hashlib
import hmac
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "proxy-connection"}


def canonical_query(q):
    if not q:
        return ""
    pairs = []
    for part in q.split("&"):
        k, _, v = part.partition("=")
        pairs.append((urllib.parse.quote(urllib.parse.unquote(k), safe="-_.~"),
                      urllib.parse.quote(urllib.parse.unquote(v), safe="-_.~")))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def canonical_path(p):
    return urllib.parse.quote(urllib.parse.unquote(p), safe="/-_.~")


def verify(method, path, query, headers, secret):
    auth = headers.get("authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return False
    fields = dict(x.strip().split("=", 1) for x in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    key, date, region, service, _ = fields["Credential"].split("/")
    signed = fields["SignedHeaders"].split(";")
    if "host" not in signed or "x-amz-date" not in signed or "x-amz-content-sha256" not in signed:
        return False
    ch = "".join(f"{h}:{' '.join(headers.get(h, '').strip().split())}\n" for h in signed)
    creq = "\n".join([method, canonical_path(path), canonical_query(query), ch, ";".join(signed),
                      headers.get("x-amz-content-sha256", "")])
    amz_date = headers.get("x-amz-date", "")
    scope = f"{date}/{region}/{service}/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    k = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(hmac.new(k, sts.encode(), hashlib.sha256).hexdigest(),
                               fields["Signature"])


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.scripts = []  # [method, match, actions, used]

    def action(self, method, path):
        with self.lock:
            for s in self.scripts:
                if s[0] == method and s[1] in path:
                    acts, n = s[2], s[3]
                    s[3] += 1
                    for i, a in enumerate(acts):
                        if a.endswith("*") and n >= i:
                            return a[:-1]
                    return acts[n] if n < len(acts) else "ok"
        return "ok"

    def log(self, entry):
        with self.lock:
            with open(self.args.log, "a") as f:
                f.write(json.dumps(entry) + "\n")


def error_xml(code, msg):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
            f"<Message>{msg}</Message></Error>").encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        st = self.server.state
        n = int(self.headers.get("Content-Length") or 0)
        if self.path == "/_fault" and self.command == "POST":
            spec = json.loads(self.rfile.read(n))
            with st.lock:
                st.scripts.append([spec["method"], spec["match"], spec["actions"].split(","), 0])
            return self.answer(200, b"armed")
        act = st.action(self.command, self.path)
        if act == "drop":
            self.rfile.read(n // 2)
            st.log({"method": self.command, "path": self.path, "action": "drop"})
            self.close_connection = True
            self.connection.shutdown(2)
            return
        body = self.rfile.read(n) if n else b""
        url = urllib.parse.urlsplit(self.path)
        hdrs = {k.lower(): v for k, v in self.headers.items()}
        sig = verify(self.command, url.path, url.query, hdrs, st.args.secret)
        payload = hashlib.sha256(body).hexdigest() == hdrs.get("x-amz-content-sha256")
        st.log({"method": self.command, "path": self.path, "action": act, "sig": sig,
                "payload": payload, "bytes": len(body),
                "headers": {k: v for k, v in hdrs.items() if k.startswith("x-amz-")
                            and k != "x-amz-security-token"}})
        if act in ("s503", "s500", "s416"):
            code = {"s503": "SlowDown", "s500": "InternalError", "s416": "InvalidRange"}[act]
            return self.answer(int(act[1:]), error_xml(code, "injected"),
                               [("Content-Type", "application/xml")])
        if not sig:
            return self.answer(403, error_xml("SignatureDoesNotMatch", "checked by the proxy"),
                               [("Content-Type", "application/xml")])
        if not payload:
            return self.answer(400, error_xml("XAmzContentSHA256Mismatch", "checked by the proxy"),
                               [("Content-Type", "application/xml")])
        up = http.client.HTTPConnection("127.0.0.1", st.args.upstream, timeout=60)
        fwd = {k: v for k, v in self.headers.items() if k.lower() not in HOP
               and not (act == "norange" and k.lower() == "range")}
        up.request(self.command, self.path, body=body, headers=fwd)
        r = up.getresponse()
        data = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data) if self.command != "HEAD"
                                               else r.getheader("Content-Length", "0")))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        up.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", type=int, required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--lifetime", type=float, default=600)
    args = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.state = State(args)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{srv.server_address[1]}\n")
    os.replace(tmp, args.port_file)
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
