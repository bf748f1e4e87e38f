#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Does the rendered isupgw.cfg(5) list every command of every node the binary has?

usage: man-complete.py REFERENCE.xml RENDERED.txt
REFERENCE.xml is isupgw --vty-ref-xml; RENDERED.txt the page as groff renders it on wide lines. Each
command must appear, as a line of its own, in the subsection of its node ("title (node-id)")."""

import re
import sys
import xml.etree.ElementTree as ET

NS = "{urn:osmocom:xml:libosmocore:vty:doc:1.0}"


def main():
    ref, text = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
    # subsections by node id, their lines without indentation
    sections, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"^ {3}\S.*\(([a-z0-9_-]+)\)\s*$", line)
        if m:
            cur = sections.setdefault(m.group(1), set())
            continue
        if cur is not None:
            cur.add(" ".join(line.split()))
    missing, total = [], 0
    for node in ET.parse(ref).getroot().iter(NS + "node"):
        nid = node.get("id")
        for cmd in node.findall(NS + "command"):
            total += 1
            want = " ".join(cmd.get("id").split())
            if nid not in sections or want not in sections[nid]:
                missing.append("%s: %s" % (nid, want))
    for m in missing:
        print("missing:", m)
    print("%d commands in the reference, %d in isupgw.cfg(5), %d missing" % (total, total - len(missing),
                                                                              len(missing)))
    sys.exit(1 if missing or not total else 0)


if __name__ == "__main__":
    main()
