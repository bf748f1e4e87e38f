#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes the hand-made seed inputs of the fuzz targets added with the gateway's receive paths into their
# corpus directories (tests/fuzz/corpus-NAME/seed-*). Run from anywhere; the files are committed, so this is
# needed only to change a seed. Inputs the fuzzers found (regress-*) are kept beside them, never written here.
# ISUP octets are isup-tool's output ("isup-tool build 'LINE'"), from the message type on.

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def put(corpus, name, data):
    d = os.path.join(HERE, "corpus-" + corpus)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def sdp(port=4000, pts="0 8 101", extra="", addr="10.0.0.1", proto="RTP/AVP"):
    maps = {"0": "a=rtpmap:0 PCMU/8000\r\n", "8": "a=rtpmap:8 PCMA/8000\r\n",
            "101": "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n",
            "97": "a=rtpmap:97 CLEARMODE/8000\r\n", "18": "a=rtpmap:18 G729/8000\r\n"}
    return ("v=0\r\no=peer 123 456 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio %u %s %s\r\n%s%s"
            % (addr, addr, port, proto, pts, "".join(maps.get(p, "") for p in pts.split()), extra))


# ---- fuzz_sdp: one octet (the codec we prefer, our address and port), then the peer's SDP ----
put("sdp", "offer", b"\x00" + sdp(extra="a=ptime:20\r\na=sendrecv\r\n").encode())
put("sdp", "offer-pcma-first", b"\x01" + sdp(pts="8 0 101", extra="a=ptime:30\r\n").encode())
put("sdp", "hold-sendonly", b"\x02" + sdp(extra="a=sendonly\r\n").encode())
put("sdp", "hold-0000", b"\x03" + sdp(addr="0.0.0.0").encode())
put("sdp", "inactive-pcmu", b"\x84" + sdp(pts="0", extra="a=inactive\r\n").encode())
put("sdp", "clearmode", b"\x05" + sdp(pts="97 8", extra="a=ptime:20\r\n").encode())
put("sdp", "no-g711", b"\x06" + sdp(pts="18 101").encode())
put("sdp", "rejected", b"\x07" + sdp(port=0, pts="0").encode())
put("sdp", "video-first", b"\x08" + ("v=0\r\no=- 1 1 IN IP4 10.1.1.1\r\ns=-\r\nt=0 0\r\n"
                                      "m=video 5000 RTP/AVP 31\r\nc=IN IP4 10.1.1.1\r\n"
                                      "m=audio 5002 RTP/AVP 8\r\nc=IN IP4 10.1.1.2\r\na=recvonly\r\n").encode())
put("sdp", "savp", b"\x09" + sdp(proto="RTP/SAVP").encode())
put("sdp", "image-t38", b"\x0a" + ("v=0\r\no=- 1 1 IN IP4 10.1.1.1\r\ns=-\r\nc=IN IP4 10.1.1.1\r\nt=0 0\r\n"
                                    "m=image 6000 udptl t38\r\nm=audio 6002 RTP/AVP 0\r\n").encode())
