#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# On the host, after tests/vm/m3ua-stp.sh ran in the VM: tshark decodes what crossed the SCTP
# associations (sctp.pcap) and the gateway's own DLT_MTP3 trace (gw-trace.pcap), independently of our
# code. Fails on: a frame tshark finds malformed or in error; a DATA chunk whose PPID is not 3 (M3UA); an
# M3UA management message (ASPSM, ASPTM, MGMT, SSNM, RKM) off stream 0; M3UA DATA from isupgw or pstn-sim
# on stream 0, or one SLS on two streams, or one call's (one CIC's) messages on two streams; ASPUP/ASPAC
# not acknowledged on each association; an ISUP message of the scenario missing; an M3UA DATA of the
# gateway's association without its MSU in the gateway's trace, or the other way round.
#   m3ua-stp-check.sh OUTDIR
out=$1
TSHARK=${TSHARK:-tshark}
if ! command -v "$TSHARK" >/dev/null 2>&1; then
	echo "FAIL: m3ua-stp-check: no tshark to decode the capture"
	exit 1
fi
for f in sctp.pcap gw-trace.pcap stp-port; do
	[ -s "$out/$f" ] || { echo "FAIL: m3ua-stp-check: no $out/$f"; exit 1; }
done
"$TSHARK" -r "$out/sctp.pcap" -Y sctp -T pdml >"$out/sctp.pdml" 2>"$out/tshark-check.err" &&
	"$TSHARK" -r "$out/gw-trace.pcap" -T pdml >"$out/gw-trace.pdml" 2>>"$out/tshark-check.err" || {
	echo "FAIL: m3ua-stp-check: tshark could not read the captures"
	cat "$out/tshark-check.err"
	exit 1
}
python3 - "$out" "$(cat "$out/stp-port")" <<'PYEOF'
import sys
import xml.etree.ElementTree as ET

out, stp_port = sys.argv[1], int(sys.argv[2])
fails = []
def fail(msg):
    fails.append(msg)
    print("FAIL: m3ua-stp-check: " + msg)

def num(v):
    try:
        return int(v, 0)
    except (TypeError, ValueError):
        return None

def fields(elem, name):
    return [f for f in elem.iter("field") if f.get("name") == name]

def bad_frame(pkt):
    for f in pkt.iter("proto"):
        if f.get("name") == "_ws.malformed":
            return "malformed"
    for f in pkt.iter("field"):
        if f.get("name") == "_ws.expert.severity" and num(f.get("show")) is not None and num(f.get("show")) >= 0x00800000:
            return "expert error"
    return None

# M3UA message class names (RFC 4666 3.1.2)
MGMT, XFER, SSNM, ASPSM, ASPTM, RKM = 0, 1, 2, 3, 4, 9
ISUP_NAMES = {1: "IAM", 6: "ACM", 9: "ANM", 12: "REL", 16: "RLC", 23: "GRS", 41: "GRA", 24: "CGB", 26: "CGBA",
              25: "CGU", 27: "CGUA"}
msgs = []	# (frame, src, dst, sid, ppid, cls, type, sls, cic, isup_type)
for _, pkt in ET.iterparse(out + "/sctp.pdml", events=("end",)):
    if pkt.tag != "packet":
        continue
    frame = None
    protos = [p for p in pkt if p.tag == "proto"]
    for p in protos:
        if p.get("name") == "geninfo":
            frame = num(fields(p, "num")[0].get("show"))
    why = bad_frame(pkt)
    if why:
        fail("frame %s: %s" % (frame, why))
    ip = next((p for p in protos if p.get("name") == "ip"), None)
    sctp = next((p for p in protos if p.get("name") == "sctp"), None)
    if ip is None or sctp is None:
        pkt.clear()
        continue
    src = (fields(ip, "ip.src")[0].get("show"), num(fields(sctp, "sctp.srcport")[0].get("show")))
    dst = (fields(ip, "ip.dst")[0].get("show"), num(fields(sctp, "sctp.dstport")[0].get("show")))
    # the DATA chunks in order, each followed in the tree by the M3UA (and ISUP) it carries
    chunks = [(num(s.get("show")), num(pp.get("show")))
              for s, pp in zip(fields(sctp, "sctp.data_sid"), fields(sctp, "sctp.data_payload_proto_id"))]
    i = -1
    for p in protos:
        if p.get("name") == "m3ua":
            i += 1
            sid, ppid = chunks[i] if i < len(chunks) else (None, None)
            cls = num(fields(p, "m3ua.message_class")[0].get("show")) if fields(p, "m3ua.message_class") else None
            typ = num(fields(p, "m3ua.message_type")[0].get("show")) if fields(p, "m3ua.message_type") else None
            sls = fields(p, "m3ua.protocol_data_sls")
            msgs.append([frame, src, dst, sid, ppid, cls, typ, num(sls[0].get("show")) if sls else None, None, None])
        elif p.get("name") == "isup" and msgs and msgs[-1][0] == frame:
            cic = fields(p, "isup.cic")
            mt = fields(p, "isup.message_type")
            msgs[-1][8] = num(cic[0].get("show")) if cic else None
            msgs[-1][9] = num(mt[0].get("show")) if mt else None
    if len(chunks) != i + 1:
        fail("frame %s: %d DATA chunks but %d M3UA messages (a PPID other than 3?)" % (frame, len(chunks), i + 1))
    pkt.clear()

if not msgs:
    fail("no M3UA message in the capture")
for m in msgs:
    frame, src, dst, sid, ppid, cls, typ, sls, cic, it = m
    if ppid != 3:
        fail("frame %s: DATA chunk with PPID %s, not 3" % (frame, ppid))
    if cls != XFER and sid != 0:
        fail("frame %s: M3UA class %s type %s on stream %s, not 0" % (frame, cls, typ, sid))
    if cls == XFER and typ == 1 and it is None:
        fail("frame %s: M3UA DATA that tshark does not decode as ISUP" % frame)

def ours(m):	# sent by isupgw or pstn-sim (osmo-stp's own choices are its business)
    return m[1][1] != stp_port

data = [m for m in msgs if m[5] == XFER and m[6] == 1]
for m in data:
    if ours(m) and m[3] == 0:
        fail("frame %s: M3UA DATA from %s:%s on stream 0" % (m[0], m[1][0], m[1][1]))
for what, key in (("SLS", 7), ("CIC", 8)):
    seen = {}
    for m in data:
        if not ours(m):
            continue
        k = (m[1], m[key])
        if k in seen and seen[k] != m[3]:
            fail("frame %s: %s %s from %s:%s on stream %s, before on stream %s" % (m[0], what, m[key], m[1][0], m[1][1], m[3], seen[k]))
        seen.setdefault(k, m[3])
streams = {m[3] for m in data if ours(m)}
if len(streams) < 2:
    fail("DATA of isupgw and pstn-sim on %d stream(s) only (%s): not spread by SLS" % (len(streams), sorted(streams)))

# each ASP's association: ASPUP, ASPUP_ACK, ASPAC, ASPAC_ACK
assocs = {m[1] for m in msgs if ours(m)}
if len(assocs) < 2:
    fail("%d ASP associations in the capture, not 2" % len(assocs))
for a in assocs:
    sent = {(m[5], m[6]) for m in msgs if m[1] == a}
    got = {(m[5], m[6]) for m in msgs if m[2] == a}
    for need, name in (((ASPSM, 1), "ASPUP"), ((ASPTM, 1), "ASPAC")):
        if need not in sent:
            fail("no %s from %s:%s" % (name, a[0], a[1]))
    for need, name in (((ASPSM, 4), "ASPUP_ACK"), ((ASPTM, 3), "ASPAC_ACK")):
        if need not in got:
            fail("no %s to %s:%s" % (name, a[0], a[1]))
isup_seen = {m[9] for m in data}
for t, name in ISUP_NAMES.items():
    if t not in isup_seen:
        fail("no %s in the capture" % name)

# the gateway's trace: every MSU it sent or received, as MTP3; its association is the one of ours that
# is not pstn-sim's (127.0.0.2)
gw = [a for a in assocs if a[0] != "127.0.0.2"]
gw_data = sorted((m[8], m[9]) for m in data if gw and (m[1] == gw[0] or m[2] == gw[0]))
trace = []
for _, pkt in ET.iterparse(out + "/gw-trace.pdml", events=("end",)):
    if pkt.tag != "packet":
        continue
    why = bad_frame(pkt)
    if why:
        fail("gw-trace.pcap: %s" % why)
    cic = fields(pkt, "isup.cic")
    mt = fields(pkt, "isup.message_type")
    if not fields(pkt, "mtp3.opc") and not fields(pkt, "mtp3.pc"):
        fail("gw-trace.pcap: a record without an MTP3 label")
    trace.append((num(cic[0].get("show")) if cic else None, num(mt[0].get("show")) if mt else None))
    pkt.clear()
trace.sort()
if trace != gw_data:
    fail("the gateway's trace has %d MSUs, its association carried %d DATA" % (len(trace), len(gw_data)))

print("m3ua-stp-check: %d M3UA messages (%d DATA) on %d associations, DATA of isupgw/pstn-sim on streams %s; "
      "gateway trace %d MSUs" % (len(msgs), len(data), len(assocs), sorted(streams), len(trace)))
if fails:
    sys.exit(1)
print("PASS: m3ua-stp-check")
PYEOF
