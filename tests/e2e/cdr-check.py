#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Checks isupgw's CDR files against what an e2e run expects: exactly one end record per call (told apart
# by the called number as received), the fields the case names, and what every record must satisfy
# (times in order, durations that add up, the trunk's point codes, tags of answered calls).
# Usage: cdr-check.py EXPECT FILE... ; EXPECT has one line per call:
#   CALLED key=value ...        (value "-": the field is empty; key "answered" is 1 or 0)
# FILEs ending in .csv are read as CSV with a header line, the others as JSON lines. Prints one line
# per call, PASS or FAIL, and exits 1 when anything failed.
import csv
import json
import sys
from datetime import datetime, timezone


def read(path):
    with open(path, newline="") as f:
        text = f.read()
    if ".csv" in path:
        rows = list(csv.reader(text.splitlines(keepends=True)))
        if not rows:
            return []
        head = rows[0]
        if "call" not in head or "type" not in head:
            raise SystemExit(f"{path}: no header line: {head}")
        out = []
        for i, r in enumerate(rows[1:], 2):
            if len(r) != len(head):
                raise SystemExit(f"{path}:{i}: {len(r)} fields, the header has {len(head)}")
            if r == head:
                raise SystemExit(f"{path}:{i}: a second header line")
            out.append({k: (v if v != "" else None) for k, v in zip(head, r)})
        return out
    out = []
    for i, line in enumerate(text.splitlines(keepends=True), 1):
        if not line.endswith("\n"):
            raise SystemExit(f"{path}:{i}: a partial line")
        out.append({k: (None if v is None else str(v)) for k, v in json.loads(line).items()})
    return out


def ms(t):
    return int(datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp() * 1000 + 0.5)


def general(r):
    """what every end record must satisfy; returns the problems"""
    bad = []
    st, al, an, en = (ms(r[k]) if r.get(k) else None for k in ("start_time", "alert_time", "answer_time", "end_time"))
    if st is None or en is None:
        return ["no start or end time"]
    if not st <= en:
        bad.append("end before start")
    if int(r["duration_ms"]) != en - st:
        bad.append(f"duration_ms {r['duration_ms']} != end - start {en - st}")
    if an is not None:
        if not st <= an <= en or (al is not None and al > an):
            bad.append("answer out of order")
        if int(r["billable_ms"]) != en - an:
            bad.append(f"billable_ms {r['billable_ms']} != end - answer {en - an}")
        if not r.get("sip_to_tag"):
            bad.append("answered without a To tag")
    elif r["billable_ms"] != "0":
        bad.append("billable time without an answer")
    first = al if al is not None else an
    if first is not None and int(r["setup_ms"]) != first - st:
        bad.append("setup_ms wrong")
    if r.get("trunk"):
        if (r.get("opc"), r.get("dpc")) != ("2057", "4114"):
            bad.append(f"opc/dpc {r.get('opc')}/{r.get('dpc')}, not 2057/4114 (1-1-1, 2-2-2)")
        if not r.get("cic") or not 1 <= int(r["cic"]) <= 31:
            bad.append(f"cic {r.get('cic')}")
    if not r.get("released_by") or not r.get("release_reason") or not r.get("cause"):
        bad.append("no release side, reason or cause")
    return bad


def main():
    expect = []
    with open(sys.argv[1]) as f:
        for line in f:
            w = line.split()
            if w and not w[0].startswith("#"):
                expect.append((w[0], dict(kv.split("=", 1) for kv in w[1:])))
    recs = []
    for p in sys.argv[2:]:
        recs += [(p, r) for r in read(p)]
    fails = 0
    seen = set()
    for called, want in expect:
        mine = [(p, r) for p, r in recs if r.get("called_in") == called and r.get("type") == "end"]
        seen.add(called)
        probs = []
        if len(mine) != 1:
            probs.append(f"{len(mine)} end records, not 1")
        for p, r in mine[:1]:
            probs += general(r)
            for k, v in want.items():
                if k == "answered":
                    got = "1" if r.get("answer_time") else "0"
                else:
                    got = r.get(k) if r.get(k) is not None else "-"
                if got != v:
                    probs.append(f"{k}={got}, not {v}")
        if probs:
            fails += 1
            print(f"FAIL: cdr {called}: " + "; ".join(probs))
            for p, r in mine:
                print(f"  {p}: {r}")
        else:
            print(f"PASS: cdr {called}")
    extra = [r.get("called_in") for p, r in recs if r.get("called_in") not in seen and r.get("type") == "end"]
    if extra:
        fails += 1
        print(f"FAIL: records of calls not expected: {extra}")
    print(f"cdr-check: {len(expect)} calls checked, {fails} problems")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
