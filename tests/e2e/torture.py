#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""RFC 4475 torture messages sent to the running gateway over UDP: each must get the handling RFC 4475
expects of a UA/gateway (a response code from the allowed set, or no response for responses and messages
that are to be dropped), and the gateway must answer an OPTIONS after every one. A few variants of them
follow (VARIANTS). The first line printed names the local port the answers must come to (torture.sh has
tshark check where they went).
Usage: torture.py DIR HOST PORT"""
import os
import re
import socket
import sys
import time

# file -> allowed answers ("none": nothing may come back). A well-formed INVITE the gateway cannot route
# (the user parts are names, not numbers) is accepted as well formed and refused: 404/484. REGISTER to a
# non-registrar UA: 405 (or 501). Where RFC 4475 lets an element be liberal, both answers are listed.
NOT_400 = {404, 484, 405, 501, 200, 202, 403, 415, 420, 416, 480, 481}
EXPECT = {
    "wsinv": NOT_400 - {415},
    "intmeth": {501, 405},
    "esc01": NOT_400,
    "escnull": {405, 501},
    "esc02": {501, 405},
    "lwsdisp": {200},
    "longreq": NOT_400,
    "dblreq": {405, 501},
    "semiuri": {200},
    "transports": {200},
    "mpart01": {200, 202, 405, 415, 501},
    "unreason": {"none"},
    "noreason": {"none"},
    "badinv01": {400},
    "clerr": {400},
    "ncl": {400, "none"},
    "scalar02": {400},
    "scalarlg": {"none"},
    "quotbal": {400},
    "ltgtruri": {400},
    "lwsruri": {400} | NOT_400,
    "lwsstart": {400} | NOT_400,
    "trws": {400, 200},
    "escruri": {400} | NOT_400,
    "baddate": {400} | NOT_400,
    "regbadct": {400, 405, 501},
    "badaspec": {400, 200},
    "baddn": {400, "none"},
    "badvers": {505},
    "mismatch01": {400},
    "mismatch02": {501, 400},
    "bigcode": {"none"},
    "badbranch": {400, 200},
    "insuf": {400, "none"},
    "unkscm": {416},
    "novelsc": {416, 404},
    "unksm2": {400, 405, 501},
    "bext01": {420},
    "invut": {415},
    "regaut01": {405, 501},
    "multi01": {400},
    "mcl01": {400, "none"},
    "bcast": {"none"},
    "zeromf": {200},
    "cparam01": {405, 501},
    "cparam02": {405, 501},
    "regescrt": {405, 501},
    "sdp01": {406, 400},
    "inv2543": NOT_400,
}

# Variants made from the RFC's messages: file -> (based on, change). badvers-rport: the 505 must go to the
# source port because the top Via asks with rport (RFC 3581), its sent-by (port 5060) must not be used.
# nulhdr: a NUL octet in a quoted string of a known method's request (sofia never completes the message).
VARIANTS = {
    "badvers-rport": ("badvers", lambda m: m.replace(b"c.example.com;branch", b"c.example.com;rport;branch")
                      .replace(b"badvers.", b"badvers-rport.")),
    "nulhdr": ("badvers", lambda m: m.replace(b"SIP/7.0", b"SIP/2.0").replace(b"badvers.", b"nulhdr.")
               .replace(b"\r\nl: 0", b"\r\nSubject: \"a\\\x00b\"\r\nl: 0")),
}
EXPECT.update({"badvers-rport": {505}, "nulhdr": {400}})

# Where sofia-sip 1.12's message parser drops the datagram before the gateway sees it, so no answer comes.
# Reported as KNOWN (not counted as passed): the gateway must still stay up and answer the OPTIONS after it.
KNOWN = {
    "badinv01": "RFC 4475 expects 400; the broken part is the Via, so sofia has no address to answer to",
    "lwsruri": "RFC 4475 expects 400 or acceptance; sofia refuses the Request-URI with embedded LWS",
}

OPTIONS = ("OPTIONS sip:{h}:{p} SIP/2.0\r\nVia: SIP/2.0/UDP {h}:{lp};branch=z9hG4bK-tort-{n}\r\nMax-Forwards: 70\r\n"
           "From: <sip:torture@{h}>;tag=t{n}\r\nTo: <sip:{h}:{p}>\r\nCall-ID: torture-opt-{n}@{h}\r\n"
           "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")


VIA = re.compile(rb"(?im)^((?:via|v)[ \t]*:[ \t]*SIP[ \t\r\n]*/[ \t\r\n]*[\d.]+[ \t\r\n]*/[ \t\r\n]*)(\w+)([ \t\r\n]+)([^;,\s]+)")
# where the answer must go by the source address (RFC 3261 18.2.2 received=, RFC 3581 rport), not by the
# Via's host name: the name stays (it does not resolve), only the port is ours (badvers-rport: not even that)
KEEP_HOST = {"badvers": True, "badvers-rport": False}


def reply_here(name, msg, lp):
    """Responses go where the top Via says: point its sent-by (and transport, since the message travels over
    UDP) at our socket. Nothing else of the message changes; responses and Via-less messages stay as they are."""
    if msg.startswith(b"SIP/2.0"):
        return msg
    if name in KEEP_HOST:
        port = b":" + str(lp).encode() if KEEP_HOST[name] else b""
        return VIA.sub(lambda m: m.group(1) + m.group(2) + m.group(3) + m.group(4).split(b":")[0] + port, msg,
                       count=1)
    return VIA.sub(lambda m: m.group(1) + b"UDP" + m.group(3) + b"127.0.0.1:" + str(lp).encode(), msg, count=1)


CALLID = re.compile(rb"(?im)^(?:call-id|i)[ \t]*:[ \t]*(\S+)")


def answers(s, wait, callid=None):
    """status codes received within wait seconds (for this Call-ID when given)"""
    got = []
    end = time.time() + wait
    while time.time() < end:
        s.settimeout(max(0.01, end - time.time()))
        try:
            data = s.recv(65536)
        except socket.timeout:
            break
        m = CALLID.search(data)
        if callid is not None and (not m or m.group(1) != callid):
            continue
        first = data.split(b"\r\n", 1)[0].decode(errors="replace")
        if first.startswith("SIP/2.0 "):
            got.append(int(first.split()[1]))
    return got


def main():
    d, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((host, 0))
    lp = s.getsockname()[1]
    print(f"local port {lp}", flush=True)
    passed = failed = known = retrans = 0
    for n, name in enumerate(sorted(EXPECT)):
        base, change = VARIANTS.get(name, (name, lambda m: m))
        msg = reply_here(name, change(open(os.path.join(d, base + ".sip"), "rb").read()), lp)
        m = CALLID.search(msg)
        s.sendto(msg, (host, port))
        got = [c for c in answers(s, 0.4, m.group(1) if m else b"-") if c >= 200 or c == 100]
        final = [c for c in got if c >= 200]
        allowed = EXPECT[name]
        if final:
            ok = final[0] in allowed
            what = str(final[0])
        else:
            ok = "none" in allowed
            what = "no answer" + (" (100 only)" if got else "")
        # the OPTIONS is retransmitted like a UDP client does (Timer E, 500 ms); the retransmissions needed
        # are counted and reported, a gateway that is down never answers any of them
        opt = OPTIONS.format(h=host, p=port, lp=lp, n=n).encode()
        alive = False
        for attempt in range(4):
            s.sendto(opt, (host, port))
            if 200 in answers(s, 0.5, f"torture-opt-{n}@{host}".encode()):
                alive = True
                break
            retrans += 1
        if not ok and alive and not final and name in KNOWN:
            known += 1
            print(f"KNOWN: {name}: {what} ({KNOWN[name]})")
        elif ok and alive:
            passed += 1
            print(f"PASS: {name}: {what}")
        else:
            failed += 1
            exp = ", ".join(str(a) for a in sorted(allowed, key=str))
            print(f"FAIL: {name}: {what}, expected one of {exp}" + ("" if alive else "; OPTIONS unanswered after it"))
    print(f"OPTIONS retransmissions needed: {retrans}")
    print(f"RFC 4475 torture: {passed} passed, {known} known deviations (no answer, gateway up), {failed} failed")
    sys.exit(1 if failed else 0)


main()
