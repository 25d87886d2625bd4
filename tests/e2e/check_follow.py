#!/usr/bin/env python3
"""tests/e2e/check_follow.py FORMAT TRUTH.json FOLLOW.jsonl

TRUTH.json: `sftptop --report=json` of every sftp line rsyslogd received during
the rotation scenario (taken from a log that was never rotated).
FOLLOW.jsonl: what `sftptop --report=json --follow --noise` printed while the
followed file was rotated under it. Every event must appear exactly once, with
the same session, time (to the second for the traditional format), op, names
and status; every session must end as it did in the truth.
"""
import collections
import json
import sys

fmt, truth_path, follow_path = sys.argv[1:4]
problems = []


def key(pid, e):
    t = e.get("time") or ""
    if fmt == "trad":
        t = t[:19]
    return (pid, t, e.get("op"), e.get("path"), e.get("to"), e.get("status"))


want = collections.Counter()
want_state = {}
with open(truth_path, encoding="utf-8") as f:
    for line in f:
        o = json.loads(line)
        if o.get("type") != "session":
            continue
        want_state[o["pid"]] = o["state"]
        for e in o["events"]:
            want[key(o["pid"], e)] += 1

got = collections.Counter()
got_state = {}
with open(follow_path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        try:
            o = json.loads(line)
        except ValueError as e:
            problems.append(f"follow line {n} is not JSON ({e}): {line[:200]!r}")
            continue
        if o.get("type") == "event":
            got[key(o.get("pid"), o)] += 1
        elif o.get("type") == "session":
            got_state[o.get("pid")] = o.get("state")

if not want:
    problems.append("the truth has no events (scenario did nothing?)")
for k in sorted(set(want) | set(got), key=str):
    if got[k] != want[k]:
        problems.append(f"event seen {got[k]} times, happened {want[k]} times: {k}")
for pid, st in want_state.items():
    if got_state.get(pid) != st:
        problems.append(f"session {pid}: last state in follow output {got_state.get(pid)!r}, truth {st!r}")
print(f"{sum(want.values())} events in the truth, {sum(got.values())} printed by --follow")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
