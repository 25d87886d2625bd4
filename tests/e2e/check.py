#!/usr/bin/env python3
"""tests/e2e/check.py SCENARIO FORMAT REPORT.jsonl LOGSLICE

Checks sftptop's --report=json output for one scenario's slice of a real log.
Two layers:
  1. generic: the JSON against the log lines themselves (one event per request
     line of the session's PID, in order, same time; `sent status X` -> status X;
     totals = sums of the events; the summary counts);
  2. the scenario: what the scenario really did (users, paths, sizes, ops),
     passed by run.sh as E_* environment variables.
Prints every problem found; exit status 1 if any.
"""
import json
import os
import re
import sys
import time

problems = []



# ops whose failure is a look-up, not a failed request (sftptop's "navigation")
NAVIGATION = {"version", "opendir", "closedir", "forced-closedir", "stat", "lstat", "realpath", "readlink",
              "statvfs", "expand-path", "home-directory", "users-groups-by-id"}

def bad(msg):
    problems.append(msg)


def eq(what, got, want):
    if got != want:
        bad(f"{what}: got {got!r}, want {want!r}")


scenario, fmt, report_path, log_path = sys.argv[1:5]
E = os.environ

# --- the log slice ---------------------------------------------------------

MON = {m: i + 1 for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}
TRAD = re.compile(r"^(\w{3}) ( \d|\d\d) (\d\d:\d\d:\d\d) (\S+) ([\w.-]+)\[(\d+)\]: (.*)$")
RFC = re.compile(r"^(\d{4}-\d\d-\d\dT[\d:.]+[+-]\d\d:\d\d) (\S+) ([\w.-]+)\[(\d+)\]: (.*)$")
year = time.localtime(os.stat(log_path).st_mtime).tm_year

lines = []
foreign = 0
total = 0
with open(log_path, "rb") as f:
    for raw in f:
        s = raw.decode("ascii").rstrip("\n")
        total += 1
        if scenario == "all" and not re.search(r" (internal-sftp|sftp-server)\[\d+\]: ", s):
            foreign += 1
            continue
        m = TRAD.match(s)
        if m:
            ts = f"{year}-{MON[m[1]]:02d}-{int(m[2]):02d}T{m[3]}"
            lines.append((ts, m[4], m[5], int(m[6]), m[7]))
            continue
        m = RFC.match(s)
        if m:
            lines.append((m[1], m[2], m[3], int(m[4]), m[5]))
            continue
        bad(f"log line not understood by check.py: {s!r}")


def unvis(s):
    """OpenSSH's strnvis escaping undone: \\ooo, \\t, \\n, \\\\ ... -> bytes -> str."""
    out = bytearray()
    i = 0
    b = s.encode("ascii")
    simple = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("a"): 7, ord("b"): 8, ord("v"): 11,
              ord("f"): 12, ord("\\"): 92, ord("0"): 0}
    while i < len(b):
        c = b[i]
        if c == 92 and i + 1 < len(b):
            if i + 3 < len(b) and all(48 <= x <= 55 for x in b[i + 1:i + 4]):
                out.append(int(b[i + 1:i + 4], 8))
                i += 4
                continue
            if b[i + 1] in simple:
                out.append(simple[b[i + 1]])
                i += 2
                continue
        out.append(c)
        i += 1
    return out.decode("utf-8", "surrogateescape")


OPS = [  # (regex on the body, op, fields)
    (r'^open "(.*)" flags (\S*) mode (\S+)$', "open", ("path", "flags", "mode")),
    (r'^close "(.*)" bytes read (\d+) written (\d+)$', "close", ("path", "bytes_read", "bytes_written")),
    (r'^forced close "(.*)" bytes read (\d+) written (\d+)$', "forced-close", ("path", "bytes_read", "bytes_written")),
    (r'^opendir "(.*)"$', "opendir", ("path",)),
    (r'^closedir "(.*)"$', "closedir", ("path",)),
    (r'^forced closedir "(.*)"$', "forced-closedir", ("path",)),
    (r'^stat name "(.*)"$', "stat", ("path",)),
    (r'^lstat name "(.*)"$', "lstat", ("path",)),
    (r'^realpath "(.*)"$', "realpath", ("path",)),
    (r'^readlink "(.*)"$', "readlink", ("path",)),
    (r'^remove name "(.*)"$', "remove", ("path",)),
    (r'^mkdir name "(.*)" mode (\S+)$', "mkdir", ("path", "mode")),
    (r'^rmdir name "(.*)"$', "rmdir", ("path",)),
    (r'^rename old "(.*)" new "(.*)"$', "rename", ("path", "to")),
    (r'^posix-rename old "(.*)" new "(.*)"$', "posix-rename", ("path", "to")),
    (r'^symlink old "(.*)" new "(.*)"$', "symlink", ("to", "path")),
    (r'^hardlink old "(.*)" new "(.*)"$', "hardlink", ("path", "to")),
    (r'^statvfs "(.*)"$', "statvfs", ("path",)),
    (r'^set "(.*)" (size|mode|modtime|owner) (.*)$', "set", ("path", "attr", "value")),
    (r'^received client version (\d+)$', "version", ()),
    (r'^users-groups-by-id: ', None, ()),
]


def expected_events(body_lines):
    """Log bodies of one PID -> list of expected event dicts (None op = any)."""
    evs = []
    for ts, body in body_lines:
        if body.startswith(("session opened for local user", "session closed for local user")):
            continue
        if body.startswith("sent status "):
            if not evs:
                bad(f"sent status with no request before it: {body!r}")
            else:
                evs[-1]["status"] = body[len("sent status "):]
            continue
        ev = {"time": ts, "status": "ok", "_line": body}
        for rx, op, fields in OPS:
            m = re.match(rx, body)
            if m:
                ev["op"] = op
                for k, v in zip(fields, m.groups()):
                    if k in ("bytes_read", "bytes_written"):
                        ev[k] = int(v)
                    elif k == "flags":
                        ev[k] = v.split(",") if v else []
                    elif k in ("path", "to"):
                        ev[k] = unvis(v)
                    else:
                        ev[k] = v
                break
        else:
            ev["op"] = None
        evs.append(ev)
    return evs


by_pid = {}
host = None
for ts, h, tag, pid, body in lines:
    host = h
    by_pid.setdefault(pid, {"tag": tag, "lines": []})["lines"].append((ts, body))

# --- the report ------------------------------------------------------------

sessions = []
summary = None
with open(report_path, "rb") as f:
    for n, raw in enumerate(f, 1):
        try:
            obj = json.loads(raw.decode("utf-8"))
        except Exception as e:  # noqa: BLE001
            bad(f"report line {n} is not valid UTF-8 JSON ({e}): {raw[:200]!r}")
            continue
        if obj.get("type") == "session":
            if summary is not None:
                bad("session object after the summary")
            sessions.append(obj)
        elif obj.get("type") == "summary":
            summary = obj
        else:
            bad(f"report line {n}: unknown type {obj.get('type')!r}")

if summary is None:
    bad("no summary object")
    summary = {}

# --- 1. generic: JSON against the log lines ---------------------------------

TIME_RE = {"trad": re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$"),
           "rfc": re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")}[fmt]

eq("summary.lines", summary.get("lines"), total)
eq("summary.sftp_lines", summary.get("sftp_lines"), len(lines))
eq("summary.foreign_lines", summary.get("foreign_lines"), foreign)
eq("summary.unparsed_lines", summary.get("unparsed_lines"), 0)
eq("summary.sessions", summary.get("sessions"), len(sessions))
eq("number of sessions (one per PID)", len(sessions), len(by_pid))
eq("summary.events", summary.get("events"), sum(len(s.get("events", [])) for s in sessions))
eq("summary.deletions", summary.get("deletions"), sum(s.get("deletions", 0) for s in sessions))

starts = [s.get("start") or "" for s in sessions]
if starts != sorted(starts):
    bad(f"sessions not in order of start: {starts}")

for s in sessions:
    pid = s.get("pid")
    where = f"session {s.get('user')}[{pid}]"
    if pid not in by_pid:
        bad(f"{where}: pid not in the log")
        continue
    L = by_pid[pid]
    bodies = [b for _, b in L["lines"]]
    opened = [b for b in bodies if b.startswith("session opened for local user ")]
    closed = [b for b in bodies if b.startswith("session closed for local user ")]
    eq(f"{where}.type", s.get("type"), "session")
    eq(f"{where}.host", s.get("host"), host)
    eq(f"{where}.program", s.get("program"), L["tag"])
    if opened:
        m = re.match(r"session opened for local user (\S+) from \[(.*)\]$", opened[0])
        eq(f"{where}.user", s.get("user"), m[1])
        eq(f"{where}.ip", s.get("ip"), m[2])
        eq(f"{where}.start", s.get("start"), L["lines"][0][0])
    eq(f"{where}.state", s.get("state"), "closed" if closed else "open")
    if closed:
        eq(f"{where}.end", s.get("end"), L["lines"][-1][0])
    for k in ("start", "end"):
        v = s.get(k)
        if v is not None and not TIME_RE.match(v):
            bad(f"{where}.{k}: {v!r} is not a {fmt} time as precise as the log")
    want = expected_events(L["lines"])
    got = s.get("events", [])
    if len(got) != len(want):
        bad(f"{where}: {len(got)} events, the log has {len(want)} requests: "
            f"got ops {[e.get('op') for e in got]}, log {[w['_line'][:40] for w in want]}")
    for i, (g, w) in enumerate(zip(got, want)):
        ew = f"{where} event {i} ({w['_line'][:60]!r})"
        for k, v in w.items():
            if k.startswith("_") or (k == "op" and v is None):
                continue
            eq(f"{ew}.{k}", g.get(k), v)
        if not TIME_RE.match(str(g.get("time"))):
            bad(f"{ew}.time {g.get('time')!r} is not a {fmt} time")
        d = None
        if g.get("status") == "ok" and g.get("op") in ("remove", "rmdir"):
            d = g["op"]
        if g.get("op") in ("remove", "rmdir") or "destructive" in g:
            eq(f"{ew}.destructive", g.get("destructive"), d)
    eq(f"{where}.bytes_read", s.get("bytes_read"),
       sum(e.get("bytes_read", 0) for e in want if e.get("op") in ("close", "forced-close")))
    eq(f"{where}.bytes_written", s.get("bytes_written"),
       sum(e.get("bytes_written", 0) for e in want if e.get("op") in ("close", "forced-close")))
    # navigation look-ups that find nothing (the client's stat before every put) are not failures
    eq(f"{where}.failures", s.get("failures"),
       sum(1 for e in want if e["status"] != "ok" and e["op"] not in NAVIGATION))
    eq(f"{where}.deletions", s.get("deletions"), sum(1 for e in got if e.get("destructive")))

# --- 2. the scenario ---------------------------------------------------------


def sess_of(user):
    r = [s for s in sessions if s.get("user") == user]
    return r


def one(user):
    r = sess_of(user)
    if len(r) != 1:
        bad(f"want exactly one session of {user}, got {len(r)}")
        return {"events": []}
    return r[0]


def find(sess, op, path, **kw):
    r = [e for e in sess.get("events", []) if e.get("op") == op and e.get("path") == path]
    if not r:
        bad(f"{sess.get('user')}: no {op} event on {path!r}")
        return {}
    e = r[0]
    for k, v in kw.items():
        eq(f"{sess.get('user')} {op} {path!r} .{k}", e.get(k), v)
    return e


JAIL, USER, EXT = E["E2E_JAIL"], E["E2E_USER"], E["E2E_EXT"]
HOME = {JAIL: E["JHOME"], USER: E["UHOME"], EXT: E["XHOME"]}


def sc_classic():
    eq("sessions", len(sessions), 1)
    s = one(JAIL)
    eq("program", s.get("program"), "internal-sftp")
    eq("ip", s.get("ip"), "127.0.0.1")
    eq("state", s.get("state"), "closed")
    eq("bytes_written", s.get("bytes_written"), 12)
    eq("bytes_read", s.get("bytes_read"), 0)
    eq("deletions", s.get("deletions"), 1)
    p = "/upload/testfile"
    find(s, "stat", p, status="No such file")
    find(s, "open", p, flags=["WRITE", "CREATE", "TRUNCATE"], mode="0644", status="ok")
    find(s, "close", p, bytes_read=0, bytes_written=12, status="ok")
    find(s, "opendir", "/upload", status="ok")
    find(s, "remove", p, status="ok", destructive="remove")


def sc_sizes():
    sizes = [int(x) for x in E["E_SIZES"].split()]
    eq("sessions", len(sessions), 3)
    for u in (JAIL, USER, EXT):
        s = one(u)
        eq(f"{u} program", s.get("program"), "sftp-server" if u == EXT else "internal-sftp")
        eq(f"{u} bytes_written", s.get("bytes_written"), sum(sizes))
        eq(f"{u} bytes_read", s.get("bytes_read"), sum(sizes) + 4096)
        eq(f"{u} deletions", s.get("deletions"), len(sizes))
        for n in sizes:
            p = f"{HOME[u]}/f{n}"
            closes = [e for e in s.get("events", []) if e.get("op") == "close" and e.get("path") == p]
            ups = [e for e in closes if e.get("bytes_written") == n and e.get("bytes_read") == 0]
            downs = [e for e in closes if e.get("bytes_read") == n and e.get("bytes_written") == 0]
            if n and (len(ups) != 1 or len(downs) != (2 if n == 4096 else 1)):
                bad(f"{u} {p}: closes {closes}")
            find(s, "remove", p, status="ok", destructive="remove")


def sc_ops():
    eq("sessions", len(sessions), 2)
    for u in (USER, EXT):
        s = one(u)
        d = f"{HOME[u]}/d"
        find(s, "mkdir", d, status="ok")
        find(s, "open", f"{d}/a.part", flags=["WRITE", "CREATE", "TRUNCATE"], mode="0644")
        find(s, "close", f"{d}/a.part", bytes_written=9)
        e = find(s, "posix-rename", f"{d}/a.part", to=f"{d}/a.txt", status="ok")
        if e.get("destructive"):
            bad(f"{u}: posix-rename onto a new name marked destructive")
        find(s, "set", f"{d}/a.txt", attr="mode", value="0600", status="ok")
        find(s, "symlink", f"{d}/sym", to="a.txt", status="ok")
        find(s, "hardlink", f"{d}/a.txt", to=f"{d}/hard", status="ok")
        find(s, "statvfs", d, status="ok")
        for n in ("sym", "hard", "a.txt"):
            find(s, "remove", f"{d}/{n}", status="ok", destructive="remove")
        find(s, "rmdir", d, status="ok", destructive="rmdir")
        eq(f"{u} deletions", s.get("deletions"), 4)
        eq(f"{u} failures", s.get("failures"), 0)   # only the stat before the put failed


def sc_failures():
    s = one(JAIL)
    find(s, "remove", "/upload/missing", status="No such file")
    find(s, "remove", "/ro/locked", status="Permission denied")
    find(s, "open", "/ro/locked", flags=["READ"], status="Permission denied")
    find(s, "open", "/nodir/x", flags=["WRITE", "CREATE", "TRUNCATE"], status="No such file")
    find(s, "mkdir", "/ro/newdir", status="Permission denied")
    find(s, "posix-rename", "/upload/missing", to="/upload/other", status="No such file")
    eq("deletions", s.get("deletions"), 0)
    eq("failures", s.get("failures"), 6)       # the six requests; the lstat/stat look-ups before them are not counted
    for e in s.get("events", []):
        if e.get("destructive"):
            bad(f"failed request marked destructive: {e}")


def sc_names():
    s = one(USER)
    h = HOME[USER]
    names = {"sp ace": 1, 'q"uote': 2, "x flags WRITE,CREATE mode 0644": 3, "informe_año.pdf": 4,
             "tab\there": 5, "esc\x1bx": 6, "back\\slash": 7}
    for n, size in names.items():
        p = f"{h}/{n}"
        find(s, "open", p, flags=["WRITE", "CREATE", "TRUNCATE"], mode="0644", status="ok")
        find(s, "close", p, bytes_written=size, bytes_read=0)
        if n.startswith("x flags"):
            find(s, "posix-rename", p, to=f"{h}/y flags READ mode 0666", status="ok")
            p = f"{h}/y flags READ mode 0666"
        find(s, "remove", p, status="ok", destructive="remove")
    eq("bytes_written", s.get("bytes_written"), sum(names.values()))
    eq("deletions", s.get("deletions"), len(names))


def sc_overlap():
    eq("sessions", len(sessions), 3)
    ss = {u: one(u) for u in (JAIL, USER, EXT)}
    for u, n, size in ((JAIL, "ov-a", 10), (USER, "ov-b", 11), (EXT, "ov-c", 12)):
        p = f"{HOME[u]}/{n}"
        find(ss[u], "close", p, bytes_written=size)
        find(ss[u], "remove", p, destructive="remove")
        for v in ss.values():
            if v is not ss[u] and any(e.get("path") == p for e in v.get("events", [])):
                bad(f"{p} shows up in another user's session")
    for a in ss.values():
        for b in ss.values():
            if a is not b and not ((a.get("start") or "") <= (b.get("end") or "")):
                bad(f"sessions of {a.get('user')} and {b.get('user')} do not overlap")


def sc_killed():
    eq("sessions", len(sessions), 2)
    s = one(USER)
    eq("killed session pid", s.get("pid"), int(E["E_KILLED_PID"]))
    eq("killed session state", s.get("state"), "open")
    find(s, "close", f"{HOME[USER]}/k1", bytes_written=15)
    x = one(EXT)
    eq("client-killed session state", x.get("state"), "closed")
    big = int(E["E_BIG_SIZE"])
    find(x, "forced-close", f"{HOME[EXT]}/big", bytes_written=big, bytes_read=0)
    eq("client-killed bytes_written = size on disk", x.get("bytes_written"), big)


def sc_long():
    eq("sessions", len(sessions), 4)
    x = one(EXT)
    for s in sess_of(JAIL):
        if not (x.get("start", "") <= s.get("start", "") and (s.get("end") or "") <= (x.get("end") or "")):
            bad(f"long session {x.get('start')}..{x.get('end')} does not span {s.get('start')}..{s.get('end')}")
    eq("jail sessions", len(sess_of(JAIL)), 3)
    if sessions and sessions[0].get("user") != EXT:
        bad("the long session is not first in order of start")


def sc_ui():
    eq("sessions", len(sessions), 2)
    find(one(JAIL), "remove", "/upload/ui-other", destructive="remove")
    s = one(USER)
    find(s, "close", f"{HOME[USER]}/ui-file", bytes_written=8)
    find(s, "remove", f"{HOME[USER]}/ui-file", destructive="remove")


def sc_whole():
    eq("sessions = `session opened` lines", len(sessions),
       sum(1 for x in lines if x[4].startswith("session opened for local user ")))


def sc_all():
    sc_whole()
    if foreign == 0:
        bad("all.log has no foreign lines?")


globals()["sc_" + scenario]()
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
