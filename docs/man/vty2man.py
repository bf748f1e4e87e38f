#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""isupgw.cfg(5) from the binary's VTY reference (isupgw --vty-ref-xml, libosmocore's XML).

usage: vty2man.py REFERENCE.xml VERSION DATE > isupgw.cfg.5

Every node and command of the reference goes into the page, so the page says what the binary accepts.
A node the table below does not know is an error: a new node needs a sentence on how it is entered."""

import sys
import textwrap
import xml.etree.ElementTree as ET

NS = "{urn:osmocom:xml:libosmocore:vty:doc:1.0}"

# node id -> (title, how it is entered and what it holds); in the order of the page
CONFIG_NODES = [
    ("config", "top level",
     "The lines of the file that are not indented, and the commands that enter the nodes below."),
    ("config-log", "log",
     "One log target, entered with \\fBlog stderr\\fR, \\fBlog file\\fR \\fIPATH\\fR, "
     "\\fBlog syslog\\fR \\fIFACILITY\\fR or \\fBlog gsmtap\\fR: which categories it shows at which level "
     "and how lines look. The categories are isupgw's own (isup, mtp, m3ua, sip, call, media, dsp, vty, "
     "overload) and libosmocore's (their names start with l)."),
    ("config-stats", "stats reporter",
     "A statistics reporter (\\fBstats reporter statsd\\fR or \\fBlog\\fR) and what it sends."),
    ("config-line", "line vty",
     "The telnet VTY: address and port it listens on, and \\fBlogin\\fR with the \\fBpassword\\fR of the "
     "top level."),
    ("config-isup", "isup",
     "ISUP call control, entered with \\fBisup\\fR: its trunk groups."),
    ("config-isup-trunk", "isup trunk",
     "One trunk group toward an adjacent exchange, entered with \\fBtrunk\\fR \\fINAME\\fR under "
     "\\fBisup\\fR: variant, point codes, circuits, Q.764 timers and procedures."),
    ("config-cs7", "cs7",
     "The SS7 transport under ISUP, entered with \\fBcs7\\fR: M3UA application servers and their ASPs "
     "(TCP or SCTP), MTP2 linksets and links, routes to point codes, MTP timers."),
    ("config-sip", "sip",
     "The SIP agent, entered with \\fBsip\\fR: where it listens, TLS, media address and RTP base, "
     "connection limits, SIP timers and extensions."),
    ("config-sip-peer", "sip-peer",
     "One SIP peer, entered with \\fBsip-peer\\fR \\fINAME\\fR: its address and transport, SIP-T, number "
     "formats, credentials, keepalive and who may call through it."),
    ("config-gateway", "gateway",
     "The interworking, entered with \\fBgateway\\fR: routes between trunks and peers, overload control "
     "and gateway timers."),
    ("config-route-list", "route-list",
     "A list of trunks or peers to hunt over, entered with \\fBroute\\-list\\fR \\fINAME\\fR: its members "
     "with their weights, and the SIP statuses and Q.850 causes on which a call fails over to the next."),
    ("config-route-entry", "route-entry",
     "A routing policy entry, entered with \\fBroute\\-entry\\fR \\fINAME\\fR and a direction: what it "
     "matches (called and calling prefixes, a regular expression, the source), its priority and weight, "
     "and the route list and number rules of the calls it takes."),
    ("config-number-rules", "number-rules",
     "A table of number rules, entered with \\fBnumber\\-rules\\fR \\fINAME\\fR: country and area codes and "
     "prefixes, prefixes to nature of address, ordered rewrites by regular expression, prefixes stripped and "
     "added, the form a number is sent in, the screening of calling numbers, and the trunks and peers the "
     "table is attached to."),
    ("config-cdr", "cdr",
     "Call detail records, entered with \\fBcdr\\fR: the file they are written to, its format (CSV or JSON "
     "lines) and fields, its rotation by size and time, interim records of long calls, and the queue "
     "of records that wait for a disk that is full."),
    ("config-media", "media",
     "The media plane, entered with \\fBmedia\\fR: worker threads, RTP addresses and ports, spans (E1/T1 "
     "over CESoPSN or DAHDI) and the trunks' circuits on them, tones, echo canceller, jitter buffers."),
]
VTY_NODES = [
    ("view", "view",
     "The VTY after login: \\fBshow\\fR commands, and \\fBenable\\fR."),
    ("enable", "enable",
     "After \\fBenable\\fR (and its password, when one is set): what the view node has, maintenance "
     "(blocking, unblocking and resetting circuits), \\fBconfigure terminal\\fR and \\fBwrite\\fR."),
    ("_common_cmds_", "every node",
     "Commands that every node of the VTY accepts, listed once here."),
]


def esc(text):
    """Text for a roff line: backslashes escaped, hyphens as minus signs, no control character first."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text[:1] in (".", "'"):
        text = "\\&" + text
    return text


def fill(text):
    """Lines of at most 78 characters (mandoc's style check wants 80), none starting as a request."""
    lines = textwrap.wrap(text, 78, break_long_words=False, break_on_hyphens=False)
    return ["\\&" + l if l[:1] in (".", "'") else l for l in lines]


def word(tok):
    """A command token: keywords bold, arguments (NAME, <0-9>, A.B.C.D, .LINE) italic."""
    out, cur = [], ""
    for ch in tok + "\0":
        if ch in "()[]{}|\0":
            if cur:
                keyword = cur[0].islower() or cur.isdigit()
                out.append(("\\fB" if keyword else "\\fI") + esc(cur) + "\\fR")
                cur = ""
            if ch == "|":
                out.append("|\\:")  # a choice of many words may break after a bar
            elif ch != "\0":
                out.append(ch)
        else:
            cur += ch
    return "".join(out)


def command(cmd):
    # the .br keeps a short command on a line of its own, above its text
    lines = [".TP", " ".join(word(t) for t in cmd.get("id").split()), ".br"]
    params = [p for p in cmd.iter(NS + "param")]
    # the first token's text says what the command is for; the others what each word means
    docs = []
    for i, p in enumerate(params):
        doc = (p.get("doc") or "").strip()
        if not doc or not p.get("name"):  # the empty alternative of (8|) has a doc of its own
            continue
        if i == 0:
            docs.append(esc(doc) + ".")
        else:
            docs.append("\\fI" + esc(p.get("name")) + "\\fR: " + esc(doc))
    for i, d in enumerate(docs):
        if i:
            lines.append(".br")
        lines.extend(fill(d))
    return lines


def section(nodes, table):
    out = []
    for nid, title, text in table:
        node = nodes.pop(nid, None)
        if node is None:
            continue
        cmds = node.findall(NS + "command")
        out.append('.SS "%s (%s)"' % (esc(title), esc(nid)))
        out.extend(fill(text))
        out.append(".PP")
        out.append("%d command%s:" % (len(cmds), "" if len(cmds) == 1 else "s"))
        for c in cmds:
            out.extend(command(c))
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    root = ET.parse(sys.argv[1]).getroot()
    version, date = sys.argv[2], sys.argv[3]
    nodes = {n.get("id"): n for n in root.iter(NS + "node")}
    total = sum(len(n.findall(NS + "command")) for n in nodes.values())
    known = {nid for nid, _, _ in CONFIG_NODES + VTY_NODES}
    unknown = sorted(set(nodes) - known)
    if unknown:
        sys.exit("vty2man.py: nodes without a description in its table: " + ", ".join(unknown))

    p = []
    p.append('.TH ISUPGW.CFG 5 "%s" "isupgw %s" "File Formats Manual"' % (date, esc(version)))
    # ragged right: a command's choice of many words breaks after its bars and has no spaces to stretch;
    # no hyphenation: a hyphen added to a command's word would mislead
    p.append(".ad l")
    p.append(".nh")
    p.append(".SH NAME")
    p.append("isupgw.cfg \\- configuration file of the isupgw SS7/ISUP to SIP gateway")
    p.append(".SH SYNOPSIS")
    p.append(".B @sysconfdir@/isupgw/isupgw.cfg")
    p.append(".SH DESCRIPTION")
    p += fill("The file holds the commands of the gateway's VTY, one a line, as \\fBwrite file\\fR and "
             "\\fBshow running\\-config\\fR write them. A command that enters a node (\\fBisup\\fR, "
             "\\fBtrunk\\fR \\fINAME\\fR, \\fBsip\\-peer\\fR \\fINAME\\fR, ...) is followed by the commands "
             "of that node, indented one space deeper. Lines starting with \\fB!\\fR are comments.")
    p.append(".PP")
    p += fill("\\fBisupgw \\-\\-dump\\-default\\fR prints the configuration the gateway runs without "
             "\\fB\\-c\\fR; the installed example is that configuration followed by commented "
             "topologies. \\fBisupgw \\-c\\fR \\fIFILE\\fR \\fB\\-\\-check\\fR reads a file and says whether "
             "it is valid.")
    p.append(".PP")
    p += fill("This page is written at build time from the reference that \\fBisupgw \\-\\-vty\\-ref\\-xml\\fR "
             "prints: it lists every node and all %d commands of this build, each with what its words mean. "
             "Numbers in angle brackets are ranges, words in capitals are arguments, "
             "\\fB(\\fIa\\fB|\\fIb\\fB)\\fR is a choice and \\fB[\\fIx\\fB]\\fR is optional. "
             "The commands of the log and stats nodes, the line node and the VTY's own are libosmocore's."
             % total)
    p.append(".SH CONFIGURATION NODES")
    p += section(nodes, CONFIG_NODES)
    p.append(".SH VTY COMMANDS")
    p += fill("The telnet VTY (\\fBline vty\\fR, port 4270 on 127.0.0.1 unless the file says otherwise) "
             "shows the gateway's state and takes maintenance commands; they are not part of the file.")
    p += section(nodes, VTY_NODES)
    p.append(".SH FILES")
    p.append(".TP")
    p.append(".I @sysconfdir@/isupgw/isupgw.cfg")
    p += fill("The configuration that the systemd unit starts the gateway with.")
    p.append(".SH SEE ALSO")
    p.append(".BR isupgw (8),")
    p.append(".BR isup\\-tool (1),")
    p.append(".BR isupgw\\-pstn\\-sim (1)")
    sys.stdout.write("\n".join(p) + "\n")


if __name__ == "__main__":
    main()
