#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Malformed INVITEs at scale against the running gateway, in the classes a SIP robustness suite covers
(written here from those classes, no suite's data): overflows of every header value and of the parts of
the Request-URI, Via, From and To; format strings; integer edge values; missing, duplicated and NUL-laden
fields; the same for the SDP lines, and bad ports and payload types. Each case is one INVITE, over UDP
(retransmitted as a UDP client does) or, every TCP_EVERY-th, over its own TCP connection.

Usage: sip-malformed.py HOST PORT COUNT [SEED]

The single mutations are enumerated (786); COUNT below that takes an evenly spread, seeded sample, above it
adds seeded combinations of two or three mutations. After every batch an OPTIONS must be answered (the
gateway is up). A case "must be answered" when the request line, Via, From, To, Call-ID and CSeq it
carries are intact (the mutation is elsewhere): it must get a final response (over TCP, see TCP_MAY_GO). The last line says
"RESULT: ok" or "RESULT: FAIL"; failing cases are written to OUTDIR (env SIP_MALFORMED_OUT, default .) as
case-N.sip for replay."""
import os
import random
import re
import selectors
import socket
import sys
import time

HOST, PORT, COUNT = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
SEED = int(sys.argv[4]) if len(sys.argv) > 4 else 1
OUT = os.environ.get("SIP_MALFORMED_OUT", ".")
TCP_EVERY = 8	# every 8th case over TCP
BATCH = 100
WINDOW = 24	# cases in flight
WINDOW_BYTES = 150000	# and their octets: below the gateway's UDP receive buffer (Linux default 208 KiB)
KEY_GIVE_UP = 4.0	# seconds a case that need not be answered is waited for
MUST_GIVE_UP = 16.0	# and one that must be (timer A doubling from 0.5 s, as a UDP client retransmits)
PROVISIONAL_GIVE_UP = 20.0	# a call under way: its final response comes when pstn-sim releases
# over TCP these may go unanswered: a NUL octet in a header field stops sofia-sip's field extraction and the
# message never completes (docs/sip-interworking.md; over UDP sip_prefilter.c answers it), and a message cut
# short is, on a stream, one whose rest has not come yet; the connection closes at tcp message-timeout
TCP_MAY_GO = ("nul:", "whole:truncated")

# ---- the valid INVITE the mutations start from ----

SDP = [
    ("v", "0"),
    ("o", "- 4711 1 IN IP4 127.0.0.1"),
    ("s", "-"),
    ("c", "IN IP4 127.0.0.1"),
    ("t", "0 0"),
    ("m", "audio 40000 RTP/AVP 8 0 101"),
    ("a", "rtpmap:8 PCMA/8000"),
    ("a", "rtpmap:0 PCMU/8000"),
    ("a", "rtpmap:101 telephone-event/8000"),
    ("a", "fmtp:101 0-15"),
    ("a", "ptime:20"),
    ("a", "sendrecv"),
]


class Case:
    """one INVITE: request line parts, header fields (name, value) and SDP lines, rendered on send"""

    def __init__(self, n, tcp, lport):
        self.n = n
        self.tcp = tcp
        self.what = "valid"
        self.key = False	# a key part (request line, Via, From, To, Call-ID, CSeq) was mutated
        self.callid = f"mf-{SEED}-{n}@127.0.0.1"
        self.branch = f"z9hG4bK-mf{SEED}x{n}"
        self.method = "INVITE"
        self.ruri_user, self.ruri_host, self.ruri_port = "+4930123456", "127.0.0.1", str(PORT)
        self.version = "SIP/2.0"
        tr = "TCP" if tcp else "UDP"
        self.via = [tr, "127.0.0.1", str(lport), self.branch, ";rport"]
        self.from_ = ["Caller", "4930999888", "127.0.0.1", f"mf{n}"]
        self.to = ["+4930123456", "127.0.0.1"]
        self.cseq = ["1", "INVITE"]
        self.headers = [
            ("Max-Forwards", "70"),
            ("Contact", f"<sip:4930999888@127.0.0.1:{lport};transport={tr.lower()}>"),
            ("Expires", "120"),
            ("Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS"),
            ("User-Agent", "sip-malformed"),
            ("Subject", "robustness"),
            ("P-Asserted-Identity", "<sip:+4930999888@127.0.0.1>"),
            ("Privacy", "none"),
            ("Diversion", "<sip:+4930555@127.0.0.1>;reason=unconditional;counter=1"),
            ("History-Info", "<sip:+4930777@127.0.0.1>;index=1"),
            ("Session-Expires", "1800"),
            ("Content-Type", "application/sdp"),
        ]
        self.sdp = list(SDP)
        self.clen = None	# Content-Length value, None: the body's length
        self.raw = None	# a byte-level change applied to the rendered message

    def key_fields(self):
        v = self.via
        return [
            ("Via", f"SIP/2.0/{v[0]} {v[1]}:{v[2]};branch={v[3]}{v[4]}"),
            ("From", f"\"{self.from_[0]}\" <sip:{self.from_[1]}@{self.from_[2]}>;tag={self.from_[3]}"),
            ("To", f"<sip:{self.to[0]}@{self.to[1]}>"),
            ("Call-ID", self.callid),
            ("CSeq", f"{self.cseq[0]} {self.cseq[1]}"),
        ]

    def render(self):
        body = "".join(f"{k}={v}\r\n" for k, v in self.sdp).encode("latin-1")
        ruri = f"sip:{self.ruri_user}@{self.ruri_host}" + (f":{self.ruri_port}" if self.ruri_port else "")
        lines = [f"{self.method} {ruri} {self.version}"]
        lines += [f"{k}: {v}" for k, v in self.key_fields() + self.headers]
        clen = str(len(body)) if self.clen is None else self.clen
        if clen != "-":
            lines.append(f"Content-Length: {clen}")
        msg = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        if self.raw:
            msg = self.raw(msg)
        return msg


# ---- the mutations: (class, target, function(case)) ----

OVERFLOW = [256, 2048, 16000, 60000]
FORMAT = ["%s%s%s%s%s%s%s%s", "%n%n%n%n", "%x%x%x%x%x%x", "%99999999s", "%.1024d%n", "%@%p%c%%"]
INTS = ["0", "-1", "2147483647", "2147483648", "4294967295", "4294967296", "9223372036854775808",
        "18446744073709551616", "9" * 40, "-2147483649", "+1", "0x10", "1e9", "00000000000000000001"]
NUL = ["\0", "a\0b", "\0" * 64]


def header_targets():
    """name -> setter for every non-key header and for the parts of the key ones"""
    t = {}

    def hdr(name):
        def set_(c, v):
            c.headers = [(k, v if k == name else x) for k, x in c.headers]
        return set_

    for name in ["Max-Forwards", "Contact", "Expires", "Allow", "User-Agent", "Subject", "P-Asserted-Identity",
                 "Privacy", "Diversion", "History-Info", "Session-Expires", "Content-Type"]:
        t[name] = (False, hdr(name))

    def part(attr, i):
        def set_(c, v):
            getattr(c, attr)[i] = v
        return set_

    t["ruri-user"] = (True, lambda c, v: setattr(c, "ruri_user", v))
    t["ruri-host"] = (True, lambda c, v: setattr(c, "ruri_host", v))
    t["ruri-port"] = (True, lambda c, v: setattr(c, "ruri_port", v))
    t["method"] = (True, lambda c, v: (setattr(c, "method", v), c.cseq.__setitem__(1, v)))
    t["version"] = (True, lambda c, v: setattr(c, "version", v))
    t["via-host"] = (True, part("via", 1))
    t["via-port"] = (True, part("via", 2))
    t["via-branch"] = (True, part("via", 3))
    t["from-name"] = (True, part("from_", 0))
    t["from-user"] = (True, part("from_", 1))
    t["from-host"] = (True, part("from_", 2))
    t["from-tag"] = (True, part("from_", 3))
    t["to-user"] = (True, part("to", 0))
    t["to-host"] = (True, part("to", 1))
    t["call-id"] = (True, lambda c, v: setattr(c, "callid", v))
    t["cseq-number"] = (True, part("cseq", 0))
    t["cseq-method"] = (True, part("cseq", 1))
    t["content-length"] = (False, lambda c, v: setattr(c, "clen", v))
    return t


def sdp_targets():
    t = {}
    for i, (k, v) in enumerate(SDP):
        label = f"sdp-{k}{i}" if k == "a" else f"sdp-{k}"

        def set_(c, val, i=i, k=k):
            c.sdp[i] = (k, val)
        t[label] = set_
    return t


INT_TARGETS = {
    "Max-Forwards": None, "Expires": None, "Session-Expires": None, "content-length": None,
    "cseq-number": None, "ruri-port": None, "via-port": None,
}
SDP_SPECIAL = [
    ("sdp-port", 5, ["audio -1 RTP/AVP 8", "audio 70000 RTP/AVP 8", "audio 0 RTP/AVP 8", "audio A RTP/AVP 8",
                     "audio 40000/99999999999 RTP/AVP 8", "audio 4294967296 RTP/AVP 8"]),
    ("sdp-pt", 5, ["audio 40000 RTP/AVP 256", "audio 40000 RTP/AVP -1", "audio 40000 RTP/AVP x",
                   "audio 40000 RTP/AVP 96", "audio 40000 RTP/AVP 18446744073709551616", "audio 40000 RTP/AVP",
                   "audio 40000 RTP/AVP " + " ".join(str(i % 128) for i in range(2000)),
                   "audio 40000 RTP/SAVP 8", "video 40000 RTP/AVP 8", "audio 40000 UDP/TLS/RTP/SAVP 8",
                   "audio 40000 X @"]),
    ("sdp-rtpmap", 6, ["rtpmap:8", "rtpmap:8 PCMA", "rtpmap:999 X/0", "rtpmap:8 PCMA/0", "rtpmap:8 PCMA/99999999999",
                       "rtpmap:-1 PCMA/8000", "rtpmap:8 /8000", "rtpmap: PCMA/8000/1/2/3", "rtpmap:8 PCMA/8000/-1"]),
    ("sdp-fmtp", 9, ["fmtp:101", "fmtp:101 0-99999", "fmtp:xyz 1", "fmtp:101 15-0", "fmtp:101 ,,,,", "fmtp:-1 0-15",
                     "fmtp:101 " + "0-15," * 5000]),
    ("sdp-c", 3, ["IN IP4", "IN IP6 ::1", "IN IP4 999.999.1.1", "IN XX y", "IN IP4 127.0.0.1/127/3", "", "IN IP4 0.0.0.0",
                  "IN IP4 224.0.0.1/300"]),
    ("sdp-o", 1, ["-", "- 1", "- 4711 18446744073709551616 IN IP4 127.0.0.1", "- -1 -1 IN IP4 127.0.0.1",
                  "- 4711 1 IN IP9 x"]),
    ("sdp-v", 0, ["1", "-1", "", "99999999999999999999"]),
    ("sdp-ptime", 10, ["ptime:0", "ptime:-1", "ptime:4294967296", "ptime:x"]),
]


def enumerate_cases():
    """every single mutation: (class, target, key, apply(case))"""
    out = []
    ht = header_targets()
    st = sdp_targets()
    for name, (key, set_) in ht.items():
        for n in OVERFLOW:
            out.append(("overflow", f"{name}/{n}", key, lambda c, s=set_, n=n: s(c, "A" * n)))
        for f in FORMAT:
            out.append(("format", f"{name}/{f}", key, lambda c, s=set_, f=f: s(c, f)))
        for z in NUL:
            out.append(("nul", f"{name}/{len(z)}", key, lambda c, s=set_, z=z: s(c, "x" + z + "y")))
    for name in INT_TARGETS:
        key, set_ = ht[name]
        for v in INTS:
            out.append(("integer", f"{name}/{v[:24]}", key, lambda c, s=set_, v=v: s(c, v)))
    for label, set_ in st.items():
        for n in OVERFLOW[:3]:
            out.append(("sdp-overflow", f"{label}/{n}", False, lambda c, s=set_, n=n: s(c, "A" * n)))
        for f in FORMAT[:3]:
            out.append(("sdp-format", f"{label}/{f}", False, lambda c, s=set_, f=f: s(c, f)))
        for z in NUL:
            out.append(("sdp-nul", f"{label}/{len(z)}", False, lambda c, s=set_, z=z: s(c, "x" + z + "y")))
    for label, i, values in SDP_SPECIAL:
        for v in values:
            out.append(("sdp-value", f"{label}/{v[:24]}", False,
                        lambda c, i=i, v=v: c.sdp.__setitem__(i, (c.sdp[i][0], v))))
    # missing and duplicated header fields, plain and with another value
    names = ["Via", "From", "To", "Call-ID", "CSeq", "Max-Forwards", "Contact", "Expires", "Allow", "User-Agent",
             "Subject", "P-Asserted-Identity", "Privacy", "Diversion", "History-Info", "Session-Expires",
             "Content-Type", "Content-Length"]
    for name in names:
        key = name in ("Via", "From", "To", "Call-ID", "CSeq")
        pat = re.compile(rb"(?m)^" + re.escape(name.encode()) + rb": [^\r]*\r\n")
        out.append(("missing", name, key, lambda c, p=pat: setattr(c, "raw", lambda m: p.sub(b"", m, count=1))))
        out.append(("duplicate", name, key,
                    lambda c, p=pat: setattr(c, "raw", lambda m: p.sub(lambda x: x.group(0) * 2, m, count=1))))
        out.append(("duplicate-other", name, key,
                    lambda c, p=pat: setattr(c, "raw", lambda m: p.sub(lambda x: x.group(0) + x.group(0)
                                                                       .replace(b": ", b": 1", 1), m, count=1))))
        out.append(("duplicate-100", name, key,
                    lambda c, p=pat: setattr(c, "raw", lambda m: p.sub(lambda x: x.group(0) * 100, m, count=1))))
        out.append(("empty", name, key,
                    lambda c, p=pat, nm=name: setattr(c, "raw", lambda m: p.sub(nm.encode() + b":\r\n", m, count=1))))
    for i, (k, v) in enumerate(SDP):
        out.append(("sdp-missing", f"{k}{i}", False, lambda c, i=i: c.sdp.pop(i)))
        out.append(("sdp-duplicate", f"{k}{i}", False, lambda c, i=i: c.sdp.insert(i, c.sdp[i])))
        out.append(("sdp-duplicate-500", f"{k}{i}", False, lambda c, i=i: c.sdp.__setitem__(slice(i, i),
                                                                                             [c.sdp[i]] * 500)))
    # the message as a whole
    whole = [
        ("lf-only", lambda m: m.replace(b"\r\n", b"\n")),
        ("cr-only", lambda m: m.replace(b"\r\n", b"\r")),
        ("no-body-separator", lambda m: m.replace(b"\r\n\r\n", b"\r\n", 1)),
        ("folded-headers", lambda m: m.replace(b": ", b":\r\n  ")),
        ("high-bytes", lambda m: m.replace(b"Subject: robustness", b"Subject: \xff\xfe\x80\xc0\xaf")),
        ("ctl-bytes", lambda m: m.replace(b"Subject: robustness", bytes(range(1, 32)).replace(b"\r", b"")
                                          .replace(b"\n", b"").join([b"Subject: ", b""]))),
        ("truncated-half", lambda m: m[:len(m) // 2]),
        ("truncated-body", lambda m: m[:-10]),
        ("tab-separators", lambda m: m.replace(b" ", b"\t")),
        ("header-no-colon", lambda m: m.replace(b"Subject: ", b"Subject ")),
    ]
    for label, f in whole:
        out.append(("whole", label, label in ("cr-only", "no-body-separator", "truncated-half", "tab-separators"),
                    lambda c, f=f: setattr(c, "raw", f)))
    return out


ALL = enumerate_cases()


def plan(count):
    """the mutations of each case: a spread sample of ALL, or ALL and then seeded combinations"""
    rng = random.Random(SEED)
    if count <= len(ALL):
        idx = sorted(rng.sample(range(len(ALL)), count))
        return [[ALL[i]] for i in idx]
    cases = [[m] for m in ALL]
    while len(cases) < count:
        cases.append(rng.sample(ALL, rng.choice([2, 3])))
    return cases


# ---- sending and matching answers ----

STATUS = re.compile(rb"^SIP/2\.0 (\d{3})")


def final_status(data):
    m = STATUS.match(data)
    return int(m.group(1)) if m else None


def split_stream(buf):
    """complete SIP messages at the start of a TCP stream buffer"""
    msgs = []
    while True:
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return msgs, buf
        m = re.search(rb"(?im)^(?:content-length|l)[ \t]*:[ \t]*(\d+)", buf[:end])
        n = end + 4 + (int(m.group(1)) if m else 0)
        if len(buf) < n:
            return msgs, buf
        msgs.append(buf[:n])
        buf = buf[n:]


def ack_for(resp, ruri_line):
    """ACK for a non-2xx final response (RFC 3261 17.1.1.3): its Via, From, To, Call-ID, CSeq number"""
    hdr = resp.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]
    keep = []
    for h in hdr:
        name = h.split(b":", 1)[0].strip().lower()
        if name in (b"via", b"v"):
            if not any(k.lower().startswith((b"via", b"v:")) for k in keep):
                keep.append(h)
        elif name in (b"from", b"f", b"to", b"t", b"call-id", b"i"):
            keep.append(h)
        elif name == b"cseq":
            keep.append(h.split(b"INVITE")[0].rstrip() + b" ACK" if b"INVITE" in h else h)
    return ruri_line.replace(b"INVITE ", b"ACK ", 1) + b"\r\n" + b"\r\n".join(keep) + \
        b"\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"


class Runner:
    def __init__(self):
        self.sel = selectors.DefaultSelector()
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.udp.bind((HOST, 0))
        self.udp.setblocking(False)
        self.lport = self.udp.getsockname()[1]
        self.sel.register(self.udp, selectors.EVENT_READ, None)
        self.pending = {}	# Call-ID or branch -> case (UDP)
        self.results = []

    def make(self, n, muts):
        c = Case(n, n % TCP_EVERY == TCP_EVERY - 1, self.lport)
        for cls, target, key, f in muts:
            f(c)
            c.key |= key
        c.what = " + ".join(f"{cls}:{target}" for cls, target, _, _ in muts)
        c.msg = c.render()
        c.ruri_line = c.msg.split(b"\r\n", 1)[0]
        c.status = None
        c.provisional = False
        c.sent = 0
        c.t0 = c.next_tx = time.monotonic()
        c.buf = b""
        return c

    def start(self, c):
        if c.tcp:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex((HOST, PORT))
            c.sock = s
            c.out = c.msg
            self.sel.register(s, selectors.EVENT_WRITE | selectors.EVENT_READ, c)
        else:
            self.transmit(c)
            for k in (c.callid.encode("latin-1", "replace"), c.branch.encode()):
                self.pending[k] = c

    def transmit(self, c):
        try:
            self.udp.sendto(c.msg, (HOST, PORT))
        except OSError as e:
            c.error = str(e)	# a message too long for a datagram: nothing to answer
            c.status = "unsendable"
        c.sent += 1
        c.next_tx = time.monotonic() + 0.5 * (2 ** (c.sent - 1))

    def finish(self, c, status):
        if c.status is None or c.status == "unsendable":
            c.status = status
        if c.tcp:
            try:
                self.sel.unregister(c.sock)
            except (KeyError, ValueError):
                pass
            c.sock.close()
        else:
            for k in [k for k, v in self.pending.items() if v is c]:
                del self.pending[k]
        c.done = True

    def on_response(self, c, data, via_tcp):
        st = final_status(data)
        if st is None:
            return
        if st < 200:
            c.provisional = True
            return
        if st >= 300:
            ack = ack_for(data, c.ruri_line)
            try:
                c.sock.send(ack) if via_tcp else self.udp.sendto(ack, (HOST, PORT))
            except OSError:
                pass
        self.finish(c, st)

    def match_udp(self, data):
        for pat in (rb"(?im)^(?:call-id|i)[ \t]*:[ \t]*([^\r\n]*)", rb"branch=([^;,\s]+)"):
            m = re.search(pat, data)
            if m and m.group(1).strip() in self.pending:
                return self.pending[m.group(1).strip()]
        return None

    def run(self, cases):
        queue = list(cases)
        live = []
        while queue or live:
            while queue and len(live) < WINDOW and (not live or sum(len(c.msg) for c in live) + len(queue[0].msg)
                                                     <= WINDOW_BYTES):
                c = queue.pop(0)
                c.done = False
                c.t0 = time.monotonic()
                self.start(c)
                if c.status == "unsendable":
                    self.finish(c, "unsendable")
                else:
                    live.append(c)
            now = time.monotonic()
            timeout = 0.05
            for key, ev in self.sel.select(timeout):
                if key.data is None:
                    while True:
                        try:
                            data = self.udp.recv(70000)
                        except BlockingIOError:
                            break
                        c = self.match_udp(data)
                        if c and not c.done:
                            self.on_response(c, data, False)
                    continue
                c = key.data
                if c.done:
                    continue
                if ev & selectors.EVENT_WRITE and c.out:
                    try:
                        n = c.sock.send(c.out)
                        c.out = c.out[n:]
                    except BlockingIOError:
                        pass
                    except OSError:
                        self.finish(c, "closed")
                        continue
                    if not c.out:
                        self.sel.modify(c.sock, selectors.EVENT_READ, c)
                if ev & selectors.EVENT_READ:
                    try:
                        d = c.sock.recv(70000)
                    except BlockingIOError:
                        continue
                    except OSError:
                        d = b""
                    if not d:
                        self.finish(c, "closed")
                        continue
                    msgs, c.buf = split_stream(c.buf + d)
                    for m in msgs:
                        if not c.done:
                            self.on_response(c, m, True)
            now = time.monotonic()
            for c in live:
                if c.done:
                    continue
                limit = PROVISIONAL_GIVE_UP if c.provisional else KEY_GIVE_UP if c.key else MUST_GIVE_UP
                if now - c.t0 > limit:
                    self.finish(c, None)
                elif not c.tcp and not c.provisional and now >= c.next_tx:
                    self.transmit(c)
            done = [c for c in live if c.done]
            self.results += done
            live = [c for c in live if not c.done]

    def probe(self, n):
        """an OPTIONS must be answered: the gateway is up"""
        msg = (f"OPTIONS sip:{HOST}:{PORT} SIP/2.0\r\nVia: SIP/2.0/UDP {HOST}:{self.lport};branch=z9hG4bK-probe{n}\r\n"
               f"Max-Forwards: 70\r\nFrom: <sip:probe@{HOST}>;tag=p{n}\r\nTo: <sip:{HOST}:{PORT}>\r\n"
               f"Call-ID: mf-probe-{n}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").encode()
        for attempt in range(8):
            self.udp.sendto(msg, (HOST, PORT))
            end = time.monotonic() + 0.5 * min(2 ** attempt, 4)
            while time.monotonic() < end:
                for key, ev in self.sel.select(0.05):
                    if key.data is not None:
                        continue
                    while True:
                        try:
                            data = self.udp.recv(70000)
                        except BlockingIOError:
                            break
                        if f"mf-probe-{n}".encode() in data and final_status(data) == 200:
                            return True
        return False


def main():
    r = Runner()
    t0 = time.monotonic()
    muts = plan(COUNT)
    print(f"{len(ALL)} single mutations enumerated; {len(muts)} cases, seed {SEED}, every {TCP_EVERY}th over TCP",
          flush=True)
    alive = r.probe(0)
    cases = []
    for b in range(0, len(muts), BATCH):
        batch = [r.make(b + i, m) for i, m in enumerate(muts[b:b + BATCH])]
        r.run(batch)
        cases += batch
        alive = r.probe(b // BATCH + 1)
        if not alive:
            print(f"FAIL: the gateway did not answer an OPTIONS after cases {b}..{b + len(batch) - 1}")
            for c in batch:
                with open(os.path.join(OUT, f"case-{c.n}.sip"), "wb") as f:
                    f.write(c.msg)
            break
    # per class: sent, final answers by hundred, unanswered (must / may)
    by = {}
    missing = []
    for c in cases:
        cls = "tcp" if c.tcp else "udp"
        k = (c.what.split(":")[0] if " + " not in c.what else "combined", cls)
        e = by.setdefault(k, {"n": 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, "6xx": 0, "none": 0, "must": 0})
        e["n"] += 1
        if isinstance(c.status, int):
            e[f"{c.status // 100}xx"] += 1
        else:
            e["none"] += 1
            if not c.key and c.status != "unsendable" and not (
                    c.tcp and any(p.startswith(TCP_MAY_GO) for p in c.what.split(" + "))):
                e["must"] += 1
                missing.append(c)
    print(f"{'class':<20} {'tr':<4} {'sent':>5} {'2xx':>4} {'3xx':>4} {'4xx':>5} {'5xx':>4} {'6xx':>4} {'none':>5} "
          f"{'must':>5}")
    for (cls, tr), e in sorted(by.items()):
        print(f"{cls:<20} {tr:<4} {e['n']:>5} {e['2xx']:>4} {e['3xx']:>4} {e['4xx']:>5} {e['5xx']:>4} {e['6xx']:>4} "
              f"{e['none']:>5} {e['must']:>5}")
    if os.environ.get("SIP_MALFORMED_VERBOSE"):
        for c in cases:
            if not isinstance(c.status, int) and c not in missing:
                print(f"unanswered, may be: case {c.n} ({'tcp' if c.tcp else 'udp'}): {c.what!r}")
    for c in missing[:40]:
        print(f"UNANSWERED: case {c.n} ({'tcp' if c.tcp else 'udp'}): {c.what}")
        with open(os.path.join(OUT, f"case-{c.n}.sip"), "wb") as f:
            f.write(c.msg)
    answered = sum(1 for c in cases if isinstance(c.status, int))
    print(f"{len(cases)} cases in {time.monotonic() - t0:.0f} s: {answered} answered, {len(missing)} unanswered "
          f"that must be, gateway {'up' if alive else 'DOWN'}")
    print("RESULT: " + ("ok" if alive and not missing and len(cases) == len(muts) else "FAIL"))


main()
