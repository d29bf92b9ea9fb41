"""fake_forge.py - the pull request / merge request comment APIs of GitHub
and GitLab, as much as `tfaudit comment` uses, for fake_tfc.py (which
routes /github/... and /gitlab/... here). Python 3 standard library only.

Comments live in memory for the server's lifetime, per (forge, repo, number);
tests use a new PR number each. Pages hold PAGE comments whatever per_page
asks, so a handful of comments already spans pages.

GitHub (API root BASE/github; "Authorization: Bearer TOKEN" or 401):
  GET   /github/repos/O/R/issues/N/comments            page 1; Link rel="next"
        /github/repositories/ID/issues/N/comments?page=P   points here, as GitHub's do
  POST  /github/repos/O/R/issues/N/comments   {"body"} 201 {id, html_url, body}
  PATCH /github/repos/O/R/issues/comments/ID  {"body"} 200, or 404
  Repo "o/missing": 404. PR 666: its next-page link points to another origin.
GitLab (API root BASE/gitlab; the project path must arrive as one %2F-encoded
segment):
  GET  /gitlab/projects/P/merge_requests/N/notes?page=P   X-Next-Page ("" on the last)
  POST /gitlab/projects/P/merge_requests/N/notes    {"body"} 201 {id, body}
  PUT  /gitlab/projects/P/merge_requests/N/notes/ID {"body"} 200, or 404
  Every MR starts with one system note.
"""
import json
import re
import threading
from urllib.parse import parse_qs, unquote, urlsplit

PAGE = 3

_lock = threading.Lock()
_threads = {}  # (forge, repo, number) -> [comment]
_repo_ids = {}  # GitHub repository id -> "o/r"
_next_id = [1000]


def _thread(forge, repo, number):
    key = (forge, repo, number)
    if key not in _threads:
        _threads[key] = []
        if forge == "gitlab":
            _threads[key].append(_new("added 1 commit", system=True))
    return _threads[key]


def _new(body, system=False):
    _next_id[0] += 1
    return {"id": _next_id[0], "body": body, "system": system}


def _repo_id(repo):
    for k, v in _repo_ids.items():
        if v == repo:
            return k
    k = len(_repo_ids) + 1
    _repo_ids[k] = repo
    return k


def _send_json(h, code, doc, headers=None):
    h.send(code, json.dumps(doc).encode(), "application/json", headers)


def _page(items, query):
    page = int((parse_qs(query).get("page") or ["1"])[0])
    start = (page - 1) * PAGE
    return page, items[start:start + PAGE], start + PAGE < len(items)


def _body_of(h, body):
    try:
        doc = json.loads(body.decode("utf-8"))
    except ValueError:
        return None
    return doc.get("body") if isinstance(doc, dict) else None


def route(h, path, body):
    """Serve a /github or /gitlab request; h is fake_tfc's handler."""
    if not h.authorized():
        return _send_json(h, 401, {"message": "Bad credentials"})
    u = urlsplit(path)
    if u.path.startswith("/github/"):
        return _github(h, u, body)
    return _gitlab(h, u, body)


def _github(h, u, body):
    p = u.path
    m = re.fullmatch(r"/github/repos/([^/]+/[^/]+)/issues/(\d+)/comments", p)
    r = re.fullmatch(r"/github/repositories/(\d+)/issues/(\d+)/comments", p)
    e = re.fullmatch(r"/github/repos/([^/]+/[^/]+)/issues/comments/(\d+)", p)
    if r and int(r.group(1)) in _repo_ids:
        m, repo = r, _repo_ids[int(r.group(1))]
    elif m:
        repo = m.group(1)
    if (m and repo == "o/missing") or (e and e.group(1) == "o/missing"):
        return _send_json(h, 404, {"message": "Not Found"})
    if m and h.command == "GET":
        number = int(m.group(2))
        with _lock:
            items = list(_thread("github", repo, number))
            rid = _repo_id(repo)
        page, items, more = _page(items, u.query)
        headers = {}
        if more:
            host = "localhost" if number == 666 else "127.0.0.1"
            nxt = "%s/github/repositories/%d/issues/%d/comments?per_page=%d&page=%d" % (
                h.base(host), rid, number, PAGE, page + 1)
            headers["Link"] = '<%s>; rel="next", <%s>; rel="last"' % (nxt, nxt)
        return _send_json(h, 200, items, headers)
    if m and h.command == "POST":
        text = _body_of(h, body)
        if text is None:
            return _send_json(h, 422, {"message": "Validation Failed"})
        if len(text) > 65536:
            return _send_json(h, 422, {"message": "body is too long (maximum is 65536 characters)"})
        with _lock:
            c = _new(text)
            _thread("github", repo, int(m.group(2))).append(c)
        c = dict(c, html_url="https://github.example/%s/pull/%s#issuecomment-%d" % (
            repo, m.group(2), c["id"]))
        return _send_json(h, 201, c)
    if e and h.command == "PATCH":
        text = _body_of(h, body)
        if text is None or len(text) > 65536:
            return _send_json(h, 422, {"message": "Validation Failed"})
        with _lock:
            for (forge, repo, number), items in _threads.items():
                for c in items:
                    if forge == "github" and repo == e.group(1) and c["id"] == int(e.group(2)):
                        c["body"] = text
                        out = dict(c, html_url="https://github.example/%s/pull/%d#issuecomment-%d"
                                   % (repo, number, c["id"]))
                        return _send_json(h, 200, out)
        return _send_json(h, 404, {"message": "Not Found"})
    return _send_json(h, 404, {"message": "Not Found"})


def _gitlab(h, u, body):
    m = re.fullmatch(r"/gitlab/projects/([^/]+)/merge_requests/(\d+)/notes(?:/(\d+))?", u.path)
    if not m:
        return _send_json(h, 404, {"message": "404 Not Found"})
    project, number, note = unquote(m.group(1)), int(m.group(2)), m.group(3)
    if project == "group/missing":
        return _send_json(h, 404, {"message": "404 Project Not Found"})
    if h.command == "GET" and not note:
        with _lock:
            items = list(_thread("gitlab", project, number))
        page, items, more = _page(items, u.query)
        return _send_json(h, 200, items, {"X-Next-Page": str(page + 1) if more else "",
                                          "X-Page": str(page)})
    if h.command == "POST" and not note:
        text = _body_of(h, body)
        if text is None:
            return _send_json(h, 400, {"message": "body is missing"})
        with _lock:
            c = _new(text)
            _thread("gitlab", project, number).append(c)
        return _send_json(h, 201, c)
    if h.command == "PUT" and note:
        text = _body_of(h, body)
        with _lock:
            for c in _thread("gitlab", project, number):
                if c["id"] == int(note) and not c["system"] and text is not None:
                    c["body"] = text
                    return _send_json(h, 200, c)
        return _send_json(h, 404, {"message": "404 Not found"})
    return _send_json(h, 405, {"message": "405 Method Not Allowed"})
