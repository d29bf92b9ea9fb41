#!/usr/bin/env python3
"""The soundness suite: no mutation that changes what a run means may leave
a GO standing.

It finds every GO case among our fixtures (each fixture, and the plan/apply
pairs of fixtures/verify, checked against every section of every bundled
checklist and of runs.md; clean real plans of ../shared/corpus against the
nightly checklist), then mutates the inputs of each GO case the ways real
evidence goes wrong and attackers would try, and checks the verdict again
where the mutation touches what the section reads (section_reads: the
plan's changes, drift, the apply, the pin, apply-matches-plan; THREATS says
what each mutation touches: a log cut after its plan's changes still
proves its drift, which Terraform prints first, and an apply's error
leaves its plan standing). A sign-off is given only to checklists with
that item (one for an unknown item is a usage error, which kept every
runs.md and nightly case from ever being GO):

  truncate       cut at every line before the run's last summary line (logs;
                 not right after an earlier run's summary: that is the
                 earlier run whole) or at evenly spaced bytes (JSON
                 documents)                                   -> not GO
  drop-summary   remove the final summary line of a log       -> not GO
  append-error   an error diagnostic after the last resource  -> not GO
  member-*       the inputs as a directory and as a tar.gz with one member
                 corrupted, emptied, or an unreadable member added -> not GO
  provider       one change's provider replaced (pinned cases) -> not GO
  inject         an address carrying ESC, BEL, CR, LF and a fake verdict
                 line: stdout keeps no raw control character, and a pinned
                 case is not GO
  dup-actions    a second "actions" member (plain, and escaped as \u0061ctions)
                 in a plan's first change                     -> not GO
  drop-planned   a planned_change line of a -json log, a change block of a
                 text log removed                             -> not GO
  summary-destroy  the plan's summary (change_summary, "Plan:" line) says
                 one more destroy                             -> not GO
  apply-*        the same two for an apply: a resource's apply_complete
                 lost, the apply summary saying one more destroy -> not GO
  unknown-action a change's action replaced by one no Terraform writes
                 (plan JSON, -json log)                       -> not GO
  plan-errored   a plan JSON that says it errored ("errored": true: Terraform
                 stopped planning at the error)               -> not GO
  noop-gone      a plan's first no-op change with its "after" null: the
                 object gone under an action that says nothing
                 changes                                      -> not GO
  dup-top        a second top-level member of a JSON document: a plan's
                 resource_changes with one delete, a state's resources or
                 values empty                                 -> not GO
  ci-prelude     a -json log as GitHub Actions stores it, behind a prelude
                 longer than detection's head and terraform init's text:
                 still GO whole; cut at or without its summary  -> not GO
  plan-failed    an error diagnostic after a log's plan summary, before
                 any apply: Terraform 1.6+ prints what it planned before
                 the error, then its summary, then the error  -> not GO
  next-run-cut   a log followed by another plan's start, cut while it
                 refreshes (a second module, a CI timeout)     -> not GO
  targeted       a log's "Resource targeting is in effect" warning, a
                 plan JSON's "complete": false (-target or deferred):
                 only part of the configuration was refreshed -> not GO
                 where the section reads drift or plan.no_changes

Usage: soundness.py TFAUDIT SOURCE_DIR. Exit 0 when no mutation left a GO
(the closing line counts them), 1 otherwise, 77 when nothing could be run.
"""
import concurrent.futures
import functools
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
import zlib

NOW = "2026-11-27T21:30:00Z"
SIGN_OFF = "leadership=Soundness Suite"
# The lines a run ends with when it finished: cutting one off must not pass.
SUMMARY = re.compile(
    r"(Plan: \d+ to |Apply complete!|Destroy complete!|No changes\.|"
    r"Your infrastructure matches|\"type\":\s*\"change_summary\")")
CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
INJECT = "\x1b]0;pwned\x07\r\ntfaudit: GO\x1b[2J"
# The last plan summary of a text log, and of a -json log.
TEXT_PLAN_SUMMARY = re.compile(rb"^(?:\x1b\[[0-9;]*m)*(?:Plan: \d+ to |No changes\.)", re.M)
UI_PLAN_SUMMARY = re.compile(rb'^.*"type":\s*"change_summary".*$', re.M)


def boxed(severity, summary, detail):
    """A diagnostic as Terraform 1.x boxes it in text output."""
    bar = "\u2502 "
    lines = ["\u2577", bar + "%s: %s" % (severity, summary), bar.rstrip()]
    lines += [bar + d for d in detail] + ["\u2575", ""]
    return "\n".join(lines).encode()


def ui_diag(level, severity, summary, detail):
    return json.dumps({"@level": level, "@message": "%s: %s" % (severity.title(), summary),
                       "@module": "terraform.ui", "@timestamp": "2026-11-27T21:29:59.500000Z",
                       "diagnostic": {"severity": severity, "summary": summary,
                                      "detail": detail}, "type": "diagnostic"}).encode()


PLAN_ERROR = ("Error", "Invalid reference",
              ["A reference to a resource type must be followed by at least one",
               "attribute access, specifying the resource name."])
TARGETED = ("Warning", "Resource targeting is in effect",
            ["You are creating a plan with the -target option, which means that the",
             "result of this plan may not represent all of the changes requested by the",
             "current configuration."])


def applies(data):
    """"apply-" when a log shows its apply at work (not reads): an error
    after that is the apply's, and its plan stands."""
    if re.search(rb'"type":\s*"apply_(start|complete)"', data) and \
            re.search(rb'"action":\s*"(create|update|delete|replace)"', data) or \
            re.search(rb": (Creating|Modifying|Destroying)\.\.\.", data):
        return "apply-"
    return ""


def after_plan_summary(data, what):
    """`what` (PLAN_ERROR, TARGETED) said right after the log's last plan
    summary, as Terraform prints its diagnostics; None for a log without
    one (or a document)."""
    sev, summary, detail = what
    if is_ui_log(data):
        plans = [m for m in UI_PLAN_SUMMARY.finditer(data) if b'"plan"' in m.group(0)]
        if not plans:
            return None
        at = plans[-1].end() + 1
        return data[:at] + ui_diag("error" if sev == "Error" else "warn", sev.lower(), summary,
                                   " ".join(detail)) + b"\n" + data[at:]
    if is_json_doc(data):
        return None
    plans = list(TEXT_PLAN_SUMMARY.finditer(data))
    if not plans:
        return None
    at = data.find(b"\n", plans[-1].end())
    at = len(data) if at < 0 else at + 1
    return data[:at] + boxed(sev, summary, detail) + data[at:]


def next_run_cut(data):
    """The log followed by the start of another plan, cut while refreshing
    (a second module of terragrunt run-all, a CI timeout): the version
    message and first refresh of a -json log, the first refresh line of a
    text log. None for a log without a plan summary, or a document."""
    lines = data.splitlines(keepends=True)
    if is_ui_log(data):
        if not any(b'"change_summary"' in ln for ln in lines):
            return None
        head = [ln for ln in lines if b'"type":"version"' in ln.replace(b" ", b"")][:1]
        head += [ln for ln in lines if b'"refresh_start"' in ln][:1]
    elif not is_json_doc(data) and TEXT_PLAN_SUMMARY.search(data):
        head = [ln for ln in lines if re.search(rb": Refreshing state\.\.\.", ln)][:1]
    else:
        return None
    if not head:
        return None
    return data.rstrip(b"\n") + b"\n" + b"".join(head)


def plan_incomplete(data):
    """A plan JSON saying "complete": false, as Terraform 1.8+ writes a
    -target plan or one with deferred changes. None for other documents."""
    doc = plan_doc(data)
    if doc is None:
        return None
    doc["complete"] = False
    return json.dumps(doc).encode()


def run(argv, cwd):
    p = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=120)
    return p.returncode, p.stdout, p.stderr


class Case:
    def __init__(self, checklist, section, inputs, approved=None):
        self.checklist, self.section, self.inputs, self.approved = (
            checklist, section, inputs, approved)

    def argv(self, tfaudit, inputs):
        a = [tfaudit, "check", "--checklist", self.checklist, "--section", self.section,
             "--now", NOW]
        # a sign-off for an item the checklist lacks is a usage error
        # (exit 2): runs.md, which has none, would never be GO
        with open(self.checklist, encoding="utf-8") as f:
            if "`%s`" % SIGN_OFF.split("=")[0] in f.read():
                a += ["--sign-off", SIGN_OFF]
        if self.approved:
            a += ["--approved", self.approved]
        return a + list(inputs)

    def name(self):
        return "%s [%s] %s" % (os.path.basename(self.checklist), self.section,
                               " ".join(os.path.basename(i) for i in self.inputs))


def sections(path):
    with open(path, encoding="utf-8") as f:
        return [m.group(1).strip() for m in re.finditer(r"^## (.+)$", f.read(), re.M)]


@functools.lru_cache(maxsize=None)
def section_reads(path, section):
    """What a checklist section's items read: "changes" (what the plan
    does), "drift", "apply" (how the apply went). A mutation must turn a GO
    only where it touches what the section reads: a log cut after its
    plan's changes still proves its drift, which Terraform prints first."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^## %s\s*$(.*?)(?=^## |\Z)" % re.escape(section), text, re.M | re.S)
    body = m.group(1) if m else text
    reads = set()
    if re.search(r"changes|no-destroy|plan\.(add|change|destroy|import|forget|actions)", body):
        reads.add("changes")
    if "drift" in body:
        reads.add("drift")
    if re.search(r"\bapply[-.]|plan-pinned", body):
        reads.add("apply")
    if "plan-pinned" in body:
        reads.add("pin")
    if "apply-matches-plan" in body or "apply.matches_plan" in body:
        reads.add("match")
    return reads


ALL = frozenset(("changes", "drift", "apply", "pin", "match"))
# What each mutation (by the start of its name) changes the meaning of;
# ALL for those that make an input unreadable (exit 2) or say it is partial.
THREATS = (("member-", ALL), ("dup-", ALL), ("noop-gone", ALL), ("append-garbage", ALL),
           ("plan-failed", ALL), ("truncate", {"changes", "apply"}),
           ("drop-summary", {"changes", "apply"}), ("ci-prelude", {"changes", "apply"}),
           ("append-error", ALL), ("unknown-action", {"changes", "pin", "match"}),
           ("drop-planned", {"changes"}), ("summary-destroy", {"changes"}),
           ("apply-", {"apply"}), ("provider", {"pin"}), ("plan-errored", {"changes", "drift"}),
           ("targeted", {"drift"}), ("next-run-cut", {"changes", "drift"}))


def threatens(what):
    if what.startswith("truncate") and " at byte " in what:
        return ALL  # a JSON document cut short does not parse
    for prefix, meaning in THREATS:
        if what.startswith(prefix):
            return meaning
    return ALL


def is_json_doc(data):
    s = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    return s.startswith(b"{") and not s.startswith(b'{"@level"') and b'\n{"@' not in data[:4096]


def is_ui_log(data):
    return data.lstrip().startswith(b'{"@level"') or b'\n{"@level"' in data[:4096]


def ci_wrap(lines):
    """A -json log as GitHub Actions stores it: a timestamp on every line,
    after a runner prelude past detection's 64 KiB head and init's text."""
    ts = b"2026-11-27T21:29:59.1234567Z "
    pre = [b"Current runner version: '2.320.0'"]
    pre += [b"npm WARN deprecated pkg-%d@1.0.0: this module is not supported" % i
            for i in range(1500)]
    pre += [b"[command]/home/runner/work/_temp/x/terraform-bin init -input=false",
            b"Initializing the backend...", b"Terraform has been successfully initialized!",
            b"[command]/home/runner/work/_temp/x/terraform-bin apply -json -auto-approve"]
    return b"".join(ts + l + b"\n" for l in pre) + b"".join(ts + l for l in lines)


def text_blocks(lines):
    """(first, last) line of each "# ADDR will be|must be ..." block."""
    out = []
    for k, ln in enumerate(lines):
        # the changes a "Plan:" line counts (not imports, forgets, reads)
        if re.match(rb"\s*# \S+ (will be|must be) ", ln) and not re.search(
                rb"will be (imported|forgotten|removed from|read during)|no longer be managed", ln):
            end = k
            while end < len(lines) and not re.match(rb"^\s{4}\}\s*$", lines[end]):
                end += 1
            out.append((k, end))
    return out


def lost_changes(base, lines, data, swap, blocks, summary):
    """A listed change lost (some of `blocks`, (first, last) lines each),
    and the plan summary (`summary`: before, the destroy count, after)
    edited to one more destroy: neither may leave a GO."""
    jobs = []
    for i in sample(len(blocks), 8):
        k, end = blocks[i]
        jobs.append(("drop-planned %s line %d" % (base, k + 1),
                     swap(b"".join(lines[:k] + lines[end + 1:])), False))
    edited = re.sub(summary, lambda m: m.group(1) + str(int(m.group(2)) + 1).encode() +
                    m.group(3), data, count=1)
    if edited != data:
        jobs.append(("summary-destroy %s" % base, swap(edited), False))
    return jobs


def plan_doc(data):
    """The plan JSON document `data` holds as a dict, else None."""
    if not is_json_doc(data):
        return None
    try:
        doc = json.loads(data)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) and "resource_changes" in doc else None


def plan_errored(data):
    """The plan JSON saying it errored: its changes are those planned before
    the error. None for other documents."""
    doc = plan_doc(data)
    if doc is None:
        return None
    doc["errored"] = True
    return json.dumps(doc).encode()


def noop_gone(data):
    """A plan JSON whose first no-op change keeps its "before" and has a
    null "after": a destroy under an action saying nothing changes (an
    edited plan; Terraform writes equal values there). None when the
    document has no such change."""
    doc = plan_doc(data)
    for rc in (doc or {}).get("resource_changes") or []:
        change = rc.get("change") if isinstance(rc, dict) else None
        if isinstance(change, dict) and change.get("actions") == ["no-op"] and \
                change.get("before") is not None:
            change["after"] = None
            return json.dumps(doc).encode()
    return None


def dup_top(data):
    """A JSON document with a second top-level member after the first: a
    plan's resource_changes holding one delete, a state's resources or
    values empty. Terraform (Go) and jq read the last, other tools the
    first, a merging reader both: none of them may leave a GO."""
    if not is_json_doc(data):
        return []
    try:
        doc = json.loads(data)
    except ValueError:
        return []
    if not isinstance(doc, dict):
        return []
    out = []
    end = data.rstrip().rfind(b"}")
    for key in ("resource_changes", "resources", "values"):
        if key not in doc:
            continue
        if key == "resource_changes":
            value = [dict(c, change=dict(c.get("change") or {}, actions=["delete"]))
                     for c in doc[key][:1]] or [{"address": "null_resource.x", "mode": "managed",
                                                 "type": "null_resource", "name": "x",
                                                 "change": {"actions": ["delete"]}}]
        else:
            value = [] if key == "resources" else {"root_module": {}}
        out.append((key, data[:end] + b',"' + key.encode() + b'":' +
                    json.dumps(value).encode() + data[end:]))
    return out


def summary_line(lines):
    last = None
    for i, line in enumerate(lines):
        if SUMMARY.search(line.decode("utf-8", "replace")):
            last = i
    return last


def sample(n, most=160):
    if n <= most:
        return list(range(n))
    step = n / float(most)
    picks = {int(i * step) for i in range(most)}
    picks.update(range(max(0, n - 8), n))
    return sorted(picks)


class Suite:
    def __init__(self, tfaudit, src):
        self.tfaudit, self.src = tfaudit, src
        self.tmp = tempfile.mkdtemp(prefix="tfa-soundness-")
        # a HOME of its own: nothing the runs write lands in the build tree
        home = os.path.join(self.tmp, "home")
        os.makedirs(home)
        os.environ.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
                          XDG_STATE_HOME=os.path.join(home, ".local", "state"))
        self.count = 0
        self.failures = []
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2)

    def verdict(self, case, inputs):
        return run(case.argv(self.tfaudit, inputs), self.src)

    def pin(self, plan):
        rc, out, _ = run([self.tfaudit, "pin", plan], self.src)
        return out.split()[0].decode() if rc == 0 and out.split() else None

    # -- finding the GO cases ------------------------------------------------
    def candidates(self):
        fx = os.path.join(self.src, "fixtures")
        singles = []
        for sub in ("plans", "text-logs", "ui-logs", "verify", "tfc/archivist", "soundness"):
            d = os.path.join(fx, sub)
            for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
                p = os.path.join(d, name)
                if os.path.isfile(p) and not name.endswith(".model"):
                    singles.append(p)
        checklists = sorted(os.path.join(self.src, "checklists", c)
                            for c in os.listdir(os.path.join(self.src, "checklists"))
                            if c.endswith(".md"))
        checklists.append(os.path.join(self.src, "tests", "soundness", "runs.md"))
        out = []
        for cl in checklists:
            for sec in sections(cl):
                out += [Case(cl, sec, [p]) for p in singles]
        plan = os.path.join(fx, "verify", "plan.json")
        pin = self.pin(plan)
        for name in sorted(os.listdir(os.path.join(fx, "verify"))):
            if name.startswith("apply-"):
                for cl in checklists:
                    for sec in sections(cl):
                        out.append(Case(cl, sec, [plan, os.path.join(fx, "verify", name)], pin))
        corpus = os.path.join(os.environ.get("TFA_CORPUS") or
                              os.path.join(self.src, "..", "shared", "corpus"), "plan-json")
        nightly = os.path.join(self.src, "checklists", "nightly-drift.md")
        if not os.path.isdir(corpus):
            # the fixtures' cases stand on their own; say the corpus was not read
            print("soundness: corpus absent, fixtures only", file=sys.stderr)
        elif os.path.exists(nightly):
            for name in sorted(os.listdir(corpus)):
                p = os.path.join(corpus, name)
                if os.path.isfile(p) and os.path.getsize(p) < 2 << 20:
                    out += [Case(nightly, sec, [p]) for sec in sections(nightly)]
        return out

    def go_cases(self):
        cands = self.candidates()
        rcs = list(self.pool.map(lambda c: self.verdict(c, c.inputs)[0], cands))
        return [c for c, rc in zip(cands, rcs) if rc == 0]

    # -- mutations -------------------------------------------------------------
    def write(self, name, data):
        d = tempfile.mkdtemp(dir=self.tmp)
        p = os.path.join(d, name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def expect(self, case, what, inputs, check_output=False, must_fail=True, must_pass=False):
        rc, out, err = self.verdict(case, inputs)
        bad = []
        if must_fail and rc == 0:
            bad.append("still GO")
        if must_pass and rc != 0:
            bad.append("no longer GO (exit %d) though nothing changed" % rc)
        if check_output and CONTROL.search(out):
            bad.append("raw control character in stdout")
        if rc not in (0, 1, 2):
            bad.append("exit status %d" % rc)
        return (case.name(), what, bad, err.decode("utf-8", "replace").strip()[:200])

    def mutations(self, case):
        jobs = []
        for idx, path in enumerate(case.inputs):
            with open(path, "rb") as f:
                data = f.read()
            base = os.path.basename(path)

            def swap(new, i=idx, b=base):
                ins = list(case.inputs)
                ins[i] = self.write(b, new)
                return ins

            lines = data.splitlines(keepends=True)
            if is_json_doc(data):
                # cutting trailing white space changes nothing; any other cut must
                end = len(data.rstrip())
                for k in sample(end, 60)[1:] + [0]:
                    jobs.append(("truncate %s at byte %d" % (base, k), swap(data[:k]), False))
                jobs.append(("append-garbage %s" % base, swap(data + b"\nError: garbage\n"), False))
            else:
                s = summary_line(lines)
                last = s if s is not None else len(lines) - 1
                for k in sample(last + 1):
                    if k and SUMMARY.search(lines[k - 1].decode("utf-8", "replace")):
                        continue  # an earlier run of the log, whole: nothing says more follows
                    jobs.append(("truncate %s at line %d" % (base, k),
                                 swap(b"".join(lines[:k])), False))
                if s is not None:
                    jobs.append(("drop-summary %s" % base,
                                 swap(b"".join(lines[:s] + lines[s + 1:])), False))
                if is_ui_log(data):
                    # the same log as a CI job stores it, behind a prelude
                    # longer than detection's head and terraform init's
                    # text: still GO whole, not GO without its summary
                    wrapped = ci_wrap(lines)
                    jobs.append(("ci-prelude %s" % base, swap(wrapped), "same"))
                    if s is not None:
                        jobs.append(("ci-prelude drop-summary %s" % base,
                                     swap(ci_wrap(lines[:s] + lines[s + 1:])), False))
                        jobs.append(("ci-prelude truncate %s at line %d" % (base, s),
                                     swap(ci_wrap(lines[:s])), False))
                    # a planned change lost (a cut or collapsed CI log),
                    # or the plan's summary edited to say one more destroy
                    blocks = [(i, i) for i, ln in enumerate(lines) if b'"planned_change"' in ln and
                              re.search(rb'"action":\s*"(create|update|delete|replace)"', ln)]
                    jobs += lost_changes(base, lines, data, swap, blocks,
                                         rb'("remove":\s*)(\d+)(,\s*"operation":\s*"plan")')
                    # the same for the apply: a resource's apply events lost,
                    # or its summary edited
                    applied = [(i, i) for i, ln in enumerate(lines)
                               if b'"apply_complete"' in ln and b'"read"' not in ln]
                    jobs += [("apply-" + what, ins, want) for what, ins, want in lost_changes(
                        base, lines, data, swap, applied,
                        rb'("remove":\s*)(\d+)(,\s*"operation":\s*"(?:apply|destroy)")')]
                    err = json.dumps({"@level": "error", "@message": "Error: Failed to save state",
                                      "@module": "terraform.ui", "type": "diagnostic",
                                      "diagnostic": {"severity": "error",
                                                     "summary": "Failed to save state",
                                                     "detail": "Error saving state: 503"}})
                    jobs.append((applies(data) + "append-error %s" % base,
                                 swap(data.rstrip(b"\n") + b"\n" + err.encode() + b"\n"), False))
                else:
                    # a change block lost, or the "Plan:" line edited to
                    # say one more destroy
                    jobs += lost_changes(base, lines, data, swap, text_blocks(lines),
                                         rb"(Plan: .*?)(\d+)( to destroy)")
                    # the same for the apply: a resource's completion line
                    # lost, or the "Apply complete!" line edited
                    applied = [(i, i) for i, ln in enumerate(lines)
                               if re.search(rb": (Creation|Modifications|Destruction) complete "
                                            rb"after ", ln)]
                    jobs += [("apply-" + what, ins, want) for what, ins, want in lost_changes(
                        base, lines, data, swap, applied,
                        rb"((?:Apply|Destroy) complete! Resources: .*?)(\d+)( destroyed)")]
                    jobs.append((applies(data) + "append-error %s" % base, swap(
                        data.rstrip(b"\n") + b"\n\nError: Failed to save state\n\n"
                        b"Error saving state: failed to upload state: 503 Service Unavailable\n"),
                        False))
            # a plan's changes, not its drift or outputs: the first change
            changes = max(data.find(b'"resource_changes"'), 0)
            m = re.compile(rb'"actions"\s*:\s*\[[^\]]*\]').search(data, changes)
            if m and is_json_doc(data) and changes:
                # a second actions member, plain and escaped: jq reads the
                # last, other tools the first; neither may leave a GO
                for how, dup in (("plain", b',"actions":["delete"]'),
                                 ("escaped", b',"\\u0061ctions":["delete"]')):
                    new = data[:m.end()] + dup + data[m.end():]
                    jobs.append(("dup-actions %s (%s)" % (base, how), swap(new), False))
            # an action this build does not know (a newer Terraform's, or
            # an edit): it may destroy, so nothing that reads it can pass
            # (a plan's first change; every change and hook of a -json log)
            # (not its drift: where a section reads drift, drift of any
            # action is drift)
            if m and is_json_doc(data) and changes:
                jobs.append(("unknown-action %s" % base,
                             swap(data[:m.start()] + b'"actions":["obliterate"]' + data[m.end():]),
                             False))
            pat = re.compile(rb'"action"\s*:\s*"(create|update|delete|replace)"')
            if not is_json_doc(data) and pat.search(data):
                new = b"".join(ln if b'"resource_drift"' in ln else pat.sub(b'"action":"obliterate"', ln)
                               for ln in lines)
                if new != data:
                    jobs.append(("unknown-action %s" % base, swap(new), False))
            new = plan_errored(data)
            if new:
                jobs.append(("plan-errored %s" % base, swap(new), False))
            new = after_plan_summary(data, PLAN_ERROR)
            if new:
                jobs.append(("plan-failed %s" % base, swap(new), False))
            new = next_run_cut(data)
            if new:
                jobs.append(("next-run-cut %s" % base, swap(new), False))
            if "drift" in section_reads(case.checklist, case.section):
                for new in (after_plan_summary(data, TARGETED), plan_incomplete(data)):
                    if new:
                        jobs.append(("targeted %s" % base, swap(new), False))
            new = noop_gone(data)
            if new:
                jobs.append(("noop-gone %s" % base, swap(new), False))
            for key, new in dup_top(data):
                jobs.append(("dup-top %s (%s)" % (base, key), swap(new), False))
            if b'"provider_name"' in data and case.approved:
                new = re.sub(rb'"provider_name"\s*:\s*"[^"]*"',
                             b'"provider_name":"registry.terraform.io/evil/grafana"', data, count=1)
                jobs.append(("provider %s" % base, swap(new), False))
            m = re.search(rb'"address"\s*:\s*"([^"\\]+)"', data)
            if m and is_json_doc(data) or m and is_ui_log(data):
                inj = json.dumps(m.group(1).decode() + INJECT)[1:-1].encode()
                new = data.replace(b'"' + m.group(1) + b'"', b'"' + inj + b'"')
                jobs.append(("inject %s" % base, swap(new), "output"))
            else:
                m = re.search(rb"# ([A-Za-z0-9_.\[\]\"-]+) (will be|must be)", data)
                if m:
                    new = data.replace(m.group(1), m.group(1) + INJECT.encode())
                    jobs.append(("inject %s" % base, swap(new), "output"))
        jobs += self.member_mutations(case)
        return jobs

    def member_mutations(self, case):
        """The case's inputs as one directory and one tar.gz, broken one member at a time."""
        jobs = []
        names = [os.path.basename(p) for p in case.inputs]
        if len(set(names)) != len(names):
            return jobs
        blobs = []
        for p in case.inputs:
            with open(p, "rb") as f:
                blobs.append(f.read())
        d = tempfile.mkdtemp(dir=self.tmp)
        whole = self.as_dir(d, "whole", names, blobs)
        if self.verdict(case, [whole])[0] != 0:
            return jobs  # reading it as a directory is not GO to begin with
        for i, n in enumerate(names):
            for what, blob in (("corrupt", b"\x00\x01\x02 not terraform \xff\xfe"), ("empty", b"")):
                bl = list(blobs)
                bl[i] = blob
                jobs.append(("member-%s %s in a directory" % (what, n),
                             [self.as_dir(d, "%s-%d" % (what, i), names, bl)], False))
                jobs.append(("member-%s %s in a tar.gz" % (what, n),
                             [self.as_tar(d, "%s-%d" % (what, i), names, bl)], False))
        extra = names + ["zz-notes.bin"]
        junk = blobs + [b"\x7fELF\x02\x01\x01\x00 binary"]
        jobs.append(("member-unreadable in a directory", [self.as_dir(d, "extra", extra, junk)],
                     False))
        jobs.append(("member-unreadable in a tar.gz", [self.as_tar(d, "extra", extra, junk)],
                     False))
        # bad evidence appended after the archive's end, as `cat` appends
        # it: a second tar.gz with a broken member, or the error text alone
        whole_tar = self.as_tar(d, "whole", names, blobs)
        with open(whole_tar, "rb") as f:
            packed = f.read()
        with open(self.as_tar(d, "late", ["zz-late.log"], [b"\x00\x01 not terraform"]),
                  "rb") as f:
            late = f.read()
        for what, tail in (("a second tar.gz", late),
                           ("error text", b"\nError: Failed to save state\n")):
            path = os.path.join(d, "appended-%d.tar.gz" % len(jobs))
            with open(path, "wb") as f:
                f.write(packed + tail)
            jobs.append(("member-appended %s after the tar.gz" % what, [path], False))
        # a zip whose central directory lists a broken member the streaming
        # reader does not meet (its local entry moved after the directory):
        # unzip shows it, so it counts
        jobs.append(("member-hidden in a zip", [self.hidden_zip(d, names, blobs)], False))
        # a zip whose directory lists as many entries as the stream holds,
        # but its first member points at a broken copy embedded in the
        # stored data of a directory entry: unzip extracts that copy
        jobs.append(("member-embedded in a zip", [self.embedded_zip(d, names, blobs)], False))
        utf16 = blobs[0].decode("utf-8", "replace").encode("utf-16-le")
        jobs.append(("member-utf16-no-bom in a directory",
                     [self.as_dir(d, "utf16", names, [utf16] + blobs[1:])], False))
        return jobs

    @staticmethod
    def as_dir(d, tag, names, blobs):
        root = os.path.join(d, "dir-" + tag)
        os.makedirs(root)
        for n, b in zip(names, blobs):
            with open(os.path.join(root, n), "wb") as f:
                f.write(b)
        return root

    @staticmethod
    def hidden_zip(d, names, blobs):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for n, b in zip(names + ["zz-late.log"], blobs + [b"\x00\x01 not terraform"]):
                z.writestr(n, b)
        data = buf.getvalue()
        eocd = data.rfind(b"PK\x05\x06")
        size, start = struct.unpack("<II", data[eocd + 12:eocd + 20])
        cd, rec, last = data[start:start + size], 0, 0
        while rec < len(cd):  # the last directory record, for the last member
            last = rec
            n, e, c = struct.unpack("<HHH", cd[rec + 28:rec + 34])
            rec += 46 + n + e + c
        local = struct.unpack("<I", cd[last + 42:last + 46])[0]
        cd = cd[:last + 42] + struct.pack("<I", local + size) + cd[last + 46:]
        end = data[eocd:eocd + 16] + struct.pack("<I", local) + data[eocd + 20:]
        path = os.path.join(d, "hidden.zip")
        with open(path, "wb") as f:
            f.write(data[:local] + cd + data[local:start] + end)
        return path

    @staticmethod
    def embedded_zip(d, names, blobs):
        def local(name, data):
            return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, zlib.crc32(data),
                               len(data), len(data), len(name), 0) + name + data

        def central(name, data, at):
            attr = 0x10 if name.endswith(b"/") else 0
            return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0,
                               zlib.crc32(data), len(data), len(data), len(name), 0, 0, 0, 0,
                               attr, at) + name

        bad = b"\x00\x01 not terraform"
        body, cd = b"", b""
        for n, b in zip(names, blobs):
            at, body = len(body), body + local(n.encode(), b)
            cd += central(n.encode(), b, at)
        docs = len(body)
        body += local(b"docs/", local(names[0].encode(), bad))
        # the first record: at the copy, with the copy's CRC and sizes
        cd = cd[:42] + struct.pack("<I", docs + 30 + 5) + cd[46:]
        cd = cd[:16] + struct.pack("<III", zlib.crc32(bad), len(bad), len(bad)) + cd[28:]
        cd += central(b"docs/", b"", docs)
        n = len(names) + 1
        end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(cd), len(body), 0)
        path = os.path.join(d, "embedded.zip")
        with open(path, "wb") as f:
            f.write(body + cd + end)
        return path

    @staticmethod
    def as_tar(d, tag, names, blobs):
        path = os.path.join(d, "run-%s.tar.gz" % tag)
        with tarfile.open(path, "w:gz") as t:
            for n, b in zip(names, blobs):
                info = tarfile.TarInfo(n)
                info.size = len(b)
                info.mtime = 1700000000
                t.addfile(info, io.BytesIO(b))
        return path

    def main(self):
        cases = self.go_cases()
        if not cases:
            print("soundness: no GO case among the fixtures", file=sys.stderr)
            return 77
        futures = []
        for case in cases:
            for what, inputs, kind in self.mutations(case):
                reads = section_reads(case.checklist, case.section)
                pinned = bool(case.approved) and "pin" in reads
                if kind == "output":
                    futures.append(self.pool.submit(self.expect, case, what, inputs, True, pinned))
                elif kind == "same":
                    futures.append(self.pool.submit(self.expect, case, what, inputs, False, False,
                                                    True))
                elif threatens(what) & reads:
                    futures.append(self.pool.submit(self.expect, case, what, inputs))
        for f in futures:
            name, what, bad, err = f.result()
            self.count += 1
            if bad:
                self.failures.append("%s: %s: %s (%s)" % (name, what, ", ".join(bad), err))
        for line in self.failures[:60]:
            print("FAIL " + line)
        if len(self.failures) > 60:
            print("... and %d more" % (len(self.failures) - 60))
        print("soundness: %d mutations of %d GO cases; %d left GO or unsafe" %
              (self.count, len(cases), len(self.failures)))
        print("%d passed, %d failed" % (self.count - len(self.failures), len(self.failures)))
        return 1 if self.failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: soundness.py TFAUDIT SOURCE_DIR", file=sys.stderr)
        sys.exit(2)
    suite = Suite(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]))
    try:
        rc = suite.main()
    finally:
        suite.pool.shutdown()
        shutil.rmtree(suite.tmp, ignore_errors=True)
    sys.exit(rc)
