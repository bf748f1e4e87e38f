#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""One ladder from pstn-sim (--timestamps) output and SIPp -trace_msg files: PSTN | isupgw | SIP."""
import re
import sys
from datetime import datetime


def isup_events(path):
    for line in open(path, errors="replace"):
        m = re.match(r"(\d+\.\d+) (\S+) (->|<-) (\S+) cic=(\d+)(.*)", line)
        if not m:
            continue
        t, _, d, msg, cic, rest = m.groups()
        extra = ""
        c = re.search(r"cause\.cause=(\d+)", rest)
        if c:
            extra = f" cause {c.group(1)}"
        n = re.search(r"cdpn\.digits=(\S+)", rest)
        if n:
            extra = f" {n.group(1)}"
        yield float(t), "isup", d, f"{msg} CIC {cic}{extra}"


def sip_events(path):
    lines = open(path, errors="replace").read().splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"-+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)", lines[i])
        if m and i + 3 < len(lines):
            t = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
            d = "sent" if "sent" in lines[i + 1] else "received"
            first = lines[i + 3].strip()
            if first.startswith("SIP/2.0 "):
                first = first[8:]
            else:
                first = first.split(" ")[0]
            j = i + 3
            while j < len(lines) and not lines[j].startswith("-----") and lines[j].strip():
                j += 1
            reason = next((l.split(":", 1)[1].strip() for l in lines[i + 3:j]
                           if l.lower().startswith("reason:")), "")
            yield t, "sip", d, first + (f" ({reason})" if reason else "")
            i += 3
        i += 1


def main():
    sim, sips = sys.argv[1], sys.argv[2:]
    ev = list(isup_events(sim))
    for s in sips:
        ev += list(sip_events(s))
    ev.sort(key=lambda e: e[0])
    if not ev:
        return
    t0 = ev[0][0]
    print(f"{'time':>7}  {'PSTN (pstn-sim)':<30}      {'isupgw':^8}      {'SIP peer (SIPp)':<30}")
    for t, kind, d, text in ev:
        if kind == "isup":
            left = f"{text} ---->" if d == "->" else f"<---- {text}"
            print(f"{t - t0:7.3f}  {left:>34}  |        |")
        else:
            right = f"---- {text} ---->" if d == "received" else f"<---- {text}"
            print(f"{t - t0:7.3f}  {'':>34}  |        |  {right}")


main()
