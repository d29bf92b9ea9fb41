#!/usr/bin/env python3
"""Write the logs of an apply of PLAN.json, as Terraform prints them.

usage: genlogs.py PLAN.json OUT_DIR [--seed S]

Writes OUT_DIR/apply.json (`terraform apply -json`: version, refresh, planned
changes, change summary, apply progress, outputs) and OUT_DIR/apply.log (the
plain-text `terraform apply` output: refresh lines, the diff of each change,
the Plan: line, progress lines and Apply complete!). Both follow the plan's
resource_changes, so the three files of a run tell one story."""
import json
import random
import sys

VERBS = {"create": ("Creating...", "Creation complete after {t}s [id={id}]", "created"),
         "update": ("Modifying... [id={id}]", "Modifications complete after {t}s [id={id}]",
                    "updated in-place"),
         "delete": ("Destroying... [id={id}]", "Destruction complete after {t}s", "destroyed")}


def action_of(actions):
    if actions == ["no-op"]:
        return None
    if actions in (["delete", "create"], ["create", "delete"]):
        return "replace"
    return actions[0]


def ui(out, ts, level, msg, typ, **kw):
    out.append(json.dumps({"@level": level, "@message": msg, "@module": "terraform.ui",
                           "@timestamp": ts, "type": typ, **kw}))


def resource_hook(rc):
    return {"addr": rc["address"], "module": rc.get("module_address", ""),
            "resource": f"{rc['type']}.{rc['name']}", "implied_provider": "aws",
            "resource_type": rc["type"], "resource_name": rc["name"], "resource_key": None}


def counts_of(changes):
    add = sum(1 for _, a in changes if a in ("create", "replace"))
    chg = sum(1 for _, a in changes if a == "update")
    dst = sum(1 for _, a in changes if a in ("delete", "replace"))
    return add, chg, dst


def json_log(plan, rng):
    out, ts = [], "2025-01-14T20:05:%02d.%06d+00:00"
    t = lambda: ts % (rng.randrange(60), rng.randrange(10**6))
    ui(out, t(), "info", "Terraform 1.9.5", "version", terraform="1.9.5", ui="1.2")
    changes = []
    for rc in plan["resource_changes"]:
        before = rc["change"]["before"]
        if before is not None:
            rid = before.get("id", "")
            ui(out, t(), "info", f"{rc['address']}: Refreshing state... [id={rid}]",
               "refresh_start", hook={"resource": resource_hook(rc), "id_key": "id",
                                      "id_value": rid})
            ui(out, t(), "info", f"{rc['address']}: Refresh complete [id={rid}]",
               "refresh_complete", hook={"resource": resource_hook(rc), "id_key": "id",
                                         "id_value": rid})
        a = action_of(rc["change"]["actions"])
        if a:
            changes.append((rc, a))
            ui(out, t(), "info", f"{rc['address']}: Plan to {a}", "planned_change",
               change={"resource": resource_hook(rc), "action": a})
    add, chg, dst = counts_of(changes)
    ui(out, t(), "info", f"Plan: {add} to add, {chg} to change, {dst} to destroy.",
       "change_summary", changes={"add": add, "change": chg, "import": 0, "remove": dst,
                                  "operation": "plan"})
    for rc, a in changes:
        rid = (rc["change"]["before"] or rc["change"]["after"] or {}).get("id", "")
        for step in (["delete", "create"] if a == "replace" else [a]):
            hook = {"resource": resource_hook(rc), "action": step}
            ui(out, t(), "info", f"{rc['address']}: {VERBS[step][0].format(id=rid)}",
               "apply_start", hook=hook)
            secs = rng.randrange(1, 40)
            if secs > 10:
                ui(out, t(), "info", f"{rc['address']}: Still {step}ing... [{10}s elapsed]",
                   "apply_progress", hook={**hook, "elapsed_seconds": 10})
            ui(out, t(), "info", f"{rc['address']}: {VERBS[step][1].format(t=secs, id=rid)}",
               "apply_complete", hook={**hook, "id_key": "id", "id_value": rid,
                                       "elapsed_seconds": secs})
    ui(out, t(), "info", f"Apply complete! Resources: {add} added, {chg} changed, {dst} destroyed.",
       "change_summary", changes={"add": add, "change": chg, "import": 0, "remove": dst,
                                  "operation": "apply"})
    ui(out, t(), "info", "Outputs: 1", "outputs",
       outputs={"region": {"sensitive": False, "type": "string", "value": "us-west-2"}})
    return "\n".join(out) + "\n"


def diff_lines(rc, a):
    sym = {"create": "+", "update": "~", "delete": "-", "replace": "-/+"}[a]
    head = {"create": "will be created", "update": "will be updated in-place",
            "delete": "will be destroyed", "replace": "must be replaced"}[a]
    lines = [f"  # {rc['address']} {head}", f'  {sym} resource "{rc["type"]}" "{rc["name"]}" {{']
    before, after = rc["change"]["before"] or {}, rc["change"]["after"] or {}
    for k in sorted(set(before) | set(after)):
        b, v = before.get(k), after.get(k)
        if isinstance(b, (dict, list)) or isinstance(v, (dict, list)):
            continue
        if a == "update" and b == v:
            continue
        if a == "update":
            lines.append(f"      ~ {k:<12} = {json.dumps(b)} -> {json.dumps(v)}")
        else:
            lines.append(f"      {sym[0]} {k:<12} = {json.dumps(v if a != 'delete' else b)}")
    lines.append("    }")
    lines.append("")
    return lines


def text_log(plan, rng):
    out, changes = [], []
    for rc in plan["resource_changes"]:
        if rc["change"]["before"] is not None:
            out.append(f"{rc['address']}: Refreshing state... [id={rc['change']['before']['id']}]")
    out += ["", "Terraform used the selected providers to generate the following execution",
            "plan. Resource actions are indicated with the following symbols:",
            "  + create", "  ~ update in-place", "  - destroy", "", "Terraform will perform the "
            "following actions:", ""]
    for rc in plan["resource_changes"]:
        a = action_of(rc["change"]["actions"])
        if a:
            changes.append((rc, a))
            out += diff_lines(rc, a)
    add, chg, dst = counts_of(changes)
    out += [f"Plan: {add} to add, {chg} to change, {dst} to destroy.", ""]
    for rc, a in changes:
        rid = (rc["change"]["before"] or rc["change"]["after"] or {}).get("id", "")
        for step in (["delete", "create"] if a == "replace" else [a]):
            out.append(f"{rc['address']}: {VERBS[step][0].format(id=rid)}")
            out.append(f"{rc['address']}: {VERBS[step][1].format(t=rng.randrange(1, 40), id=rid)}")
    out += ["", f"Apply complete! Resources: {add} added, {chg} changed, {dst} destroyed.", "",
            "Outputs:", "", 'region = "us-west-2"']
    return "\n".join(out) + "\n"


def main():
    plan_path, out_dir = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    with open(plan_path) as f:
        plan = json.load(f)
    rng = random.Random(seed)
    with open(f"{out_dir}/apply.json", "w") as f:
        f.write(json_log(plan, rng))
    with open(f"{out_dir}/apply.log", "w") as f:
        f.write(text_log(plan, rng))


main()
