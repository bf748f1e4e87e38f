#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A SIP phone's media, written independently of isupgw's C code: RTP on 127.0.0.1:PORT. It waits for
the gateway's first packet (symmetric RTP), then sends a PCMA sine, an RFC 4733 digit at --digit-at
seconds (PCMU with --law ulaw), and, with --stranger, the same stream's worth of a 600 Hz tone from a second socket with
another SSRC (an "RTP bleed" attempt). It runs until SIGTERM (the test stops it once the call is over;
--max seconds is only a safety net), then reports what it heard: packets, the dominant frequency of the
audio per second, RFC 4733 digits, and whether the stream stopped (at the release) for good. It writes
"rtp-peer: ready" to stdout once its socket is bound."""
import argparse, math, select, signal, socket, struct, sys, time, warnings
warnings.simplefilter("ignore", DeprecationWarning)
import audioop  # noqa: E402 (CPython's G.711, independent of ours)

def alaw_enc(x):
    return audioop.lin2alaw(struct.pack("<h", max(-32768, min(32767, int(x)))), 2)[0]

def alaw_dec(b):
    return struct.unpack("<h", audioop.alaw2lin(bytes([b]), 2))[0]

def ulaw_enc(x):
    return audioop.lin2ulaw(struct.pack("<h", max(-32768, min(32767, int(x)))), 2)[0]

def ulaw_dec(b):
    return struct.unpack("<h", audioop.ulaw2lin(bytes([b]), 2))[0]

def zc_freq(s):
    c = sum(1 for i in range(1, len(s)) if (s[i] >= 0) != (s[i - 1] >= 0))
    return c * 8000 // (2 * len(s)) if s else 0

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--freq", type=float, default=1400)
ap.add_argument("--max", type=float, default=90)
ap.add_argument("--digit", default="")
ap.add_argument("--digit-at", type=float, default=2)
ap.add_argument("--stranger", action="store_true")
ap.add_argument("--law", choices=["alaw", "ulaw"], default="alaw")
a = ap.parse_args()
PT = 8 if a.law == "alaw" else 0
enc, dec = (alaw_enc, alaw_dec) if a.law == "alaw" else (ulaw_enc, ulaw_dec)

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", a.port))
st = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
st.bind(("127.0.0.1", 0))
stop = False

def on_term(signum, frame):
    global stop
    stop = True

signal.signal(signal.SIGTERM, on_term)
print("rtp-peer: ready", flush=True)
peer = None
t0 = time.time()
start = None
seq, ts, ph, ph2 = 1000, 50000, 0.0, 0.0
next_tx = None
audio = {}
events = []
last_ev_ts = None
pkts = 0
other_pt = 0
rx_times = []
sent_digit = False
while not stop and time.time() - t0 < a.max:
    try:
        r, _, _ = select.select([s], [], [], 0.005)
    except InterruptedError:
        continue
    if r:
        d, src = s.recvfrom(2048)
        if len(d) >= 12 and d[0] >> 6 == 2:
            pt = d[1] & 0x7f
            pkts += 1
            rx_times.append(time.time())
            if peer is None:
                peer, start = src, time.time()
                next_tx = start
            if pt == 101 and len(d) >= 16:
                ev, flags = d[12], d[13]
                ets = struct.unpack("!I", d[4:8])[0]
                if flags & 0x80 and ets != last_ev_ts:
                    last_ev_ts = ets
                    events.append("0123456789*#ABCD"[ev] if ev < 16 else "?")
            elif pt == PT:
                sec = int(time.time() - t0)
                audio.setdefault(sec, []).extend(dec(b) for b in d[12:])
            else:
                other_pt += 1
    now = time.time()
    while next_tx is not None and now >= next_tx:
        if a.digit and not sent_digit and now - start >= a.digit_at:
            sent_digit = True
            code = "0123456789*#ABCD".index(a.digit)
            for i in range(8):
                end = i >= 5
                dur = 960 if end else 160 * (i + 1)
                hdr = struct.pack("!BBHII", 0x80, (0x80 if i == 0 else 0) | 101, seq, ts, 0x51515151)
                s.sendto(hdr + struct.pack("!BBH", code, (0x80 if end else 0) | 10, dur), peer)
                seq = (seq + 1) & 0xffff
            ts += 960
        pay = bytearray()
        for i in range(160):
            pay.append(enc(8000 * math.sin(ph)))
            ph += 2 * math.pi * a.freq / 8000
        s.sendto(struct.pack("!BBHII", 0x80, PT, seq, ts, 0x51515151) + pay, peer)
        if a.stranger:
            pay2 = bytearray()
            for i in range(160):
                pay2.append(enc(16000 * math.sin(ph2)))
                ph2 += 2 * math.pi * 600 / 8000
            st.sendto(struct.pack("!BBHII", 0x80, PT, (seq + 3) & 0xffff, ts, 0x66666666) + pay2, peer)
        seq = (seq + 1) & 0xffff
        ts = (ts + 160) & 0xffffffff
        next_tx += 0.020
print("rtp-peer: from %s, %d packets" % (peer, pkts))
for sec in sorted(audio):
    if len(audio[sec]) >= 1600:
        print("rtp-peer: second %d: %d Hz" % (sec, zc_freq(audio[sec][-1600:])))
print("rtp-peer: digits [%s]" % "".join(events))
print("rtp-peer: packets of another payload type than %d: %d" % (PT, other_pt))
# the gateway's stream must end at the release and stay ended: the last gap of more than 0.5 s
t_end = time.time()
if not stop:
    print("rtp-peer: not stopped within %.0f s" % a.max)
if rx_times:
    gaps = [i for i in range(1, len(rx_times)) if rx_times[i] - rx_times[i - 1] > 0.5]
    print("rtp-peer: first packet %.1f s, last %.1f s after the start, stopped at %.1f s" %
          (rx_times[0] - t0, rx_times[-1] - t0, t_end - t0))
    quiet = t_end - rx_times[-1]
    if quiet > 0.5:
        print("rtp-peer: stream stopped %.1f s before the end, %s" %
              (quiet, "no packet after it" if not gaps else "%d packets after a pause" % (len(rx_times) - gaps[-1])))
