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

# ---- fuzz_sipt_body: settings octet, Content-Type, INVITE headers, empty line, body ----
IAM_ITU = bytes.fromhex("010020000a03020907831003214365070a0683139403990900")
IAM_ITU_RICH = bytes.fromhex("010020000a030208060410940321f30a06841794987707280583000355050b05830003660600")
IAM_ANSI = bytes.fromhex("010020000a03050c02809007031012525521210a070310125255000000")
ISUP = {"acm": "06160400", "acm-inband": "0600010129010100", "cpg": "2c0100", "cpg-hold": "2c02012c01f900",
        "anm": "0900", "con": "07040000", "rel17": "0c0200028191", "rel22": "0c02000780960310083211",
        "rel22-q931": "0c02000c809670078134393031323334", "sus": "0d0000", "res": "0e0000",
        "sam": "020200020054", "inf": "04030000"}
ACM = bytes.fromhex("06040000")
ITU_CT = "application/ISUP;version=itu-t92+;base=itu-t92+"
B = "isupgw-sipt-part"


def multipart(sdp_text, isup, ct=ITU_CT, handling="required"):
    return (("--%s\r\nContent-Type: application/sdp\r\n\r\n%s\r\n--%s\r\nContent-Type: %s\r\n"
             "Content-Disposition: signal;handling=%s\r\n\r\n" % (B, sdp_text, B, ct, handling)).encode()
            + isup + ("\r\n--%s--\r\n" % B).encode())


def sipt(settings, ctype, headers, body):
    return bytes([settings]) + (ctype + "\n" + "".join(h + "\n" for h in headers) + "\n").encode() + body


INV = ["R:sip:+4930123456@127.0.0.1:5060;user=phone", "F:<sip:+4930999888@127.0.0.1>;tag=abc",
       "T:<sip:+4930123456@127.0.0.1>", "M:70"]
put("sipt_body", "invite-sipt-iam", sipt(0x06, "multipart/mixed;boundary=" + B, INV, multipart(sdp(), IAM_ITU)))
put("sipt_body", "invite-sipt-iam-rich", sipt(0x06, "multipart/mixed; boundary=\"" + B + "\"",
                                              INV + ["P:<tel:+4930999888>", "V:id", "D:<sip:+4930555@h>;reason=user-busy"],
                                              multipart(sdp(), IAM_ITU_RICH)))
put("sipt_body", "invite-sdp", sipt(0x02, "application/sdp", INV, sdp().encode()))
put("sipt_body", "invite-anonymous", sipt(0x0e, "application/sdp",
                                          ["R:tel:+49-30-123456;npdi", "F:\"Anonymous\" <sip:anonymous@anonymous.invalid>",
                                           "T:<sip:0301111@h;user=phone>", "P:<sip:+4930999@h>", "V:id"],
                                          sdp().encode()))
put("sipt_body", "invite-ansi", sipt(0x01, "application/ISUP;version=ansi00;base=ansi00",
                                     ["R:sip:2125551212@h;user=phone", "F:<sip:2125550000@h>", "M:5"], IAM_ANSI))
put("sipt_body", "invite-optional-unknown", sipt(0x00, "multipart/mixed;boundary=" + B, INV,
                                                 multipart(sdp(), IAM_ITU, ct="application/ISUP;version=nxv3",
                                                           handling="optional")))
for name, hexs in sorted(ISUP.items()):
    body = bytes.fromhex(hexs)
    put("sipt_body", "isup-" + name, sipt(0x02, ITU_CT, [], body))
put("sipt_body", "multipart-acm", sipt(0x00, "multipart/mixed;boundary=" + B, [], multipart(sdp(), ACM)))
put("sipt_body", "multipart-other-part", sipt(0x00, "multipart/mixed;boundary=xyz", INV,
                                              b"preamble\r\n--xyz\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
                                              b"--xyz\r\n\r\nv=0\r\n--xyz--\r\n"))

# ---- fuzz_m3ua: settings octet, then operations (see fuzz_m3ua.c) ----
IAM_ITU_CIC = bytes.fromhex("0100010020000a03020907831003214365070a0683139403990900")
IAM_ANSI_CIC = bytes.fromhex("0100010020000a03050c02809007031012525521210a070310125255000000")
ACM_CIC = bytes.fromhex("010006160400")
ANM_CIC = bytes.fromhex("01000900")
REL_CIC = bytes.fromhex("01000c0200028191")
RLC_CIC = bytes.fromhex("01001000")
GRA_CIC = bytes.fromhex("0100290102 1e ffffffff".replace(" ", ""))


def m3ua(cls, typ, params=b""):
    return struct.pack(">BBBBI", 1, 0, cls, typ, 8 + len(params)) + params


def tlv(tag, val):
    pad = (4 - len(val) % 4) % 4
    return struct.pack(">HH", tag, 4 + len(val)) + val + b"\0" * pad


def pdata(isup, opc=2, dpc=1, si=5, sls=0):
    return tlv(0x0210, struct.pack(">IIBBBB", opc, dpc, si, 2, 0, sls) + isup)


def op(kind, arg=0):
    return bytes([kind | arg << 3])


def data_op(isup, arg=1, sls=0):
    return op(2, arg) + bytes([len(isup)]) + isup + bytes([sls])


UP = op(3, 0) + op(3, 1)  # ASPUP_ACK, ASPAC_ACK
put("m3ua", "up-call", b"\x02" + UP + data_op(IAM_ITU_CIC) + op(5, 3) + data_op(ACM_CIC) + data_op(ANM_CIC)
    + op(4, 9) + data_op(REL_CIC) + op(4, 0) + data_op(RLC_CIC))
put("m3ua", "up-no-rc", b"\x00" + UP + data_op(IAM_ITU_CIC, arg=0) + op(5, 0) + op(4, 2) + data_op(GRA_CIC, 0))
put("m3ua", "stream-whole", b"\x02" + op(0, 0) + bytes([0]) + b"" + op(0, 0) + bytes([60])
    + (m3ua(3, 4) + m3ua(4, 3, tlv(6, struct.pack(">I", 7))) + m3ua(1, 1, tlv(6, struct.pack(">I", 7))))[:60]
    + op(0, 0) + bytes([255]) + (m3ua(1, 1, tlv(6, struct.pack(">I", 7)) + pdata(IAM_ITU_CIC)) * 8)[:255])
put("m3ua", "ssnm", b"\x00" + UP + op(3, 6) + op(5, 3) + op(3, 7) + op(3, 8) + op(3, 9) + op(3, 10) + op(3, 11)
    + op(3, 12) + op(3, 17))
put("m3ua", "beat", b"\x00" + UP + op(3, 2) + op(4, 9) + op(3, 3) + op(4, 9) + op(4, 9) + op(3, 4))
put("m3ua", "ipsp-de", b"\x08" + op(3, 13) + op(3, 15) + data_op(IAM_ITU_CIC, 0) + op(3, 16) + op(3, 14))
put("m3ua", "transport", b"\x02" + UP + op(5, 3) + op(6, 0) + op(5, 3) + op(4, 6) + op(6, 1) + UP + op(6, 2)
    + op(6, 1) + op(4, 3))
put("m3ua", "split", b"\x02" + UP + op(7, 5) + bytes([len(IAM_ITU_CIC)]) + IAM_ITU_CIC + b"\x03"
    + op(7, 30) + bytes([len(ACM_CIC)]) + ACM_CIC + b"\x03")
put("m3ua", "ansi", b"\x03" + UP + data_op(IAM_ANSI_CIC) + op(5, 3) + op(4, 31))
put("m3ua", "loadshare-held", b"\x06" + op(5, 3) + op(5, 0) + op(4, 1) + UP + op(4, 8))
put("m3ua", "bad-version", b"\x00" + UP + op(1, 0) + bytes([9, 9, 4]) + b"\0\0\0\0" + op(0, 0) + bytes([8])
    + b"\x02\x00\x03\x01\x00\x00\x00\x08")

# ---- fuzz_mtp2: settings octet, then operations (see fuzz_mtp2.c); link 0 unless bit 3 ----


def mop(kind, arg=0, link=0):
    return bytes([kind | link << 3 | arg << 4])


def msu_op(si_idx, payload, link=0, sls=0):
    return mop(3, si_idx, link) + bytes([len(payload)]) + payload + bytes([sls])


ISUP_SI = 2  # index of SI 5 in fuzz_mtp2.c's table
put("mtp2", "align-call", b"\x08" + mop(5) + msu_op(ISUP_SI, IAM_ITU_CIC) + mop(6, 3) + msu_op(ISUP_SI, ACM_CIC)
    + msu_op(ISUP_SI, ANM_CIC) + mop(4, 5) + msu_op(ISUP_SI, REL_CIC) + mop(4, 0) + msu_op(ISUP_SI, RLC_CIC))
put("mtp2", "align-both-changeover", b"\x08" + mop(5) + mop(5, link=1) + mop(6, 3) + mop(6, 3) + mop(1, 3)
    + mop(4, 2) + mop(7, 1) + b"\x00\x7f" + mop(4, 15) + mop(5) + mop(4, 10) + mop(7, 5, 1) + b"\x00\x00")
put("mtp2", "coo-from-far", b"\x08" + mop(5) + mop(5, link=1) + mop(6, 3) + mop(7, 0, 1) + b"\x00\x7f"
    + mop(4, 3) + mop(7, 4, 1) + b"\x00\x05" + mop(7, 7) + b"\x01\x00")
put("mtp2", "raw-alignment", b"\x00" + mop(0, 1) + b"\x03\x7f\xff\x01\x00" + mop(0, 1) + b"\x03\xff\xff\x01\x01"
    + mop(4, 15) + mop(4, 15) + mop(4, 15) + mop(4, 15) + mop(4, 15) + mop(4, 15) + mop(2) + mop(4, 4))
put("mtp2", "lssu-in-service", b"\x08" + mop(5) + mop(1, 5) + mop(4, 3) + mop(1, 4) + mop(1, 3) + mop(4, 12))
put("mtp2", "seq-errors", b"\x08" + mop(5) + msu_op(ISUP_SI | 8, IAM_ITU_CIC) + mop(2, 1) + mop(2, 2) + mop(2)
    + mop(2, 2) + mop(4, 10))
put("mtp2", "ansi", b"\x09" + mop(5) + msu_op(ISUP_SI, IAM_ANSI_CIC) + mop(6, 3) + mop(4, 8))
put("mtp2", "fcs-checked", b"\x0a" + mop(0, 0) + b"\x05\x7f\xff\x01\x01\x00" + mop(5) + mop(0, 0)
    + b"\x05\x7f\xff\x00\x12\x34")
put("mtp2", "emergency", b"\x04" + mop(1, 2) + mop(4, 9) + mop(2) + mop(6, 0) + mop(6, 14) + mop(6, 15) + mop(4, 5))
put("mtp2", "slt-and-snm", b"\x08" + mop(5) + msu_op(1, b"\x11\x30abc") + msu_op(0, b"\x16\x00")
    + msu_op(5, b"\x09\x00\x03\x0b\x12\x00\x00") + mop(4, 15))

# ---- fuzz_rtp: settings octet, then operations (see fuzz_rtp.c) ----


def rop(kind, arg=0):
    return bytes([kind | arg << 3])


def rtp_op(payload, pt_idx=1, seq_step=2, ts_step=20, arg_extra=0):
    return rop(1, pt_idx | arg_extra) + bytes([seq_step, ts_step, len(payload)]) + payload


ALAW_TONE = bytes([0xd5, 0x34, 0xb4, 0x9a, 0x1a, 0xb4, 0x34, 0xd5] * 20)
ULAW_SIL = b"\xff" * 160


def dtmf_ops(event, pt_idx=2):
    out = b""
    for i, dur in enumerate([160, 320, 480, 640]):
        out += rop(1, pt_idx) + bytes([2 if i == 0 else 2, 0 if i else 20, 4]) + bytes([event, 10, dur >> 8, dur & 255])
    for _ in range(3):
        out += rop(1, pt_idx) + bytes([2, 0, 4]) + bytes([event, 0x8a, 800 >> 8, 800 & 255])
    return out


SET_E1 = 0xd4  # E1 A-law (PCMA), telephone-event, 20 ms, sendrecv
SET_T1 = 0xde  # T1 mu-law (PCMU), telephone-event, echo canceller, 20 ms, sendrecv
put("rtp", "pcma-stream", bytes([SET_E1]) + b"".join(rtp_op(ALAW_TONE) + rop(5, 9) for _ in range(12)))
put("rtp", "pcmu-t1", bytes([SET_T1]) + b"".join(rtp_op(ULAW_SIL, pt_idx=0) + rop(5, 9) for _ in range(8)))
put("rtp", "dtmf", bytes([SET_E1]) + rtp_op(ALAW_TONE) + dtmf_ops(5) + rop(5, 31) + rop(5, 31) + rtp_op(ALAW_TONE)
    + dtmf_ops(11))
put("rtp", "reorder-loss", bytes([SET_E1]) + rtp_op(ALAW_TONE) + rtp_op(ALAW_TONE, seq_step=4, ts_step=60)
    + rtp_op(ALAW_TONE, seq_step=0, ts_step=0) + rop(5, 20) + rtp_op(ALAW_TONE, seq_step=15) + rop(5, 31))
put("rtp", "learning", bytes([SET_E1]) + rop(6, 16 | 1) + b"\x00" + b"".join(rtp_op(ALAW_TONE, arg_extra=16)
                                                                             for _ in range(4)) + rop(5, 9)
    + rtp_op(ALAW_TONE))
sr = struct.pack(">IIIIII", 0xcafe, 0xe000_0000, 0x1000, 160000, 50, 8000)
rr = struct.pack(">I", 0xcafe) + struct.pack(">IIIIII", 0x11223344, 0x01000010, 1010, 20, 0x1234, 0x10)
put("rtp", "rtcp", bytes([SET_E1]) + rtp_op(ALAW_TONE) + rop(2, 0) + bytes([len(sr)]) + sr
    + rop(2, 1 | 8) + bytes([len(rr)]) + rr + rop(2, 3) + b"\x04\x00\x00\xca\xfe" + rop(5, 31))
frames = bytes(range(31)) * 8
put("rtp", "cesop-e1", bytes([SET_E1]) + b"".join(rop(4) + bytes([2, len(frames)]) + frames + rop(5, 0)
                                                  for _ in range(10)) + rop(5, 31))
t1frames = bytes(range(24)) * 8
put("rtp", "cesop-t1-gap", bytes([SET_T1]) + b"".join(rop(4) + bytes([2, len(t1frames)]) + t1frames
                                                      for _ in range(6)) + rop(5, 3) + rop(4, 1) + b"\x02\x00"
    + rop(4, 2) + b"\x05" + bytes([len(t1frames)]) + t1frames + rop(5, 31) + rop(5, 31))
put("rtp", "sdp-change-tones", bytes([SET_E1]) + rtp_op(ALAW_TONE) + rop(6, 1 | 12) + b"\x01" + rtp_op(ALAW_TONE)
    + rop(7, 2) + rop(5, 31) + rop(7, 9) + rop(7, 17) + rop(5, 31) + rop(7, 18) + rop(5, 9) + rop(6, 12) + b"\x04")
put("rtp", "raw", bytes([SET_E1]) + rop(0) + b"\x0c\x80\x08\x00\x01\x00\x00\x00\xa0\x00\x00\xca\xfe"
    + rop(0, 1) + b"\x08\x80\xc8\x00\x01\x00\x00\xca\xfe" + rop(3) + b"\x04\x00\x00\x00\x01")

# ---- fuzz_gw_call: operations (see fuzz_gw_call.c), kind in the low four bits, argument in the high ----


def g(kind, arg=0, *octets):
    return bytes([kind | arg << 4]) + bytes(octets)


def iam(prefix_idx, digits, cic_sel, arg_extra=0):
    d = bytes(int(c) for c in digits)  # the target takes each octet modulo 10
    return g(2, prefix_idx | arg_extra, len(d)) + d + bytes([cic_sel])


def sam(digits, cic_sel=0x80, st=False):
    d = bytes(int(c) for c in digits)
    return g(3, 1 if st else 0, len(d)) + d + bytes([cic_sel])


def far(msg_idx, cic_sel=0x80):
    return g(1, 0, msg_idx, cic_sel)


def invite(number, flags=0, body=0):
    d = number.encode()
    return g(9, body, flags, len(d)) + d


def text(kind, s, arg=0):
    b = s.encode() if isinstance(s, str) else s
    return g(kind, arg, len(b)) + b


PROGRESS = lambda leg=0, arg=0: g(4, arg, leg)  # noqa: E731  arg % 6: 180 183 181 182 100 199
ANSWER = lambda leg=0, arg=1: g(5, arg, leg)  # noqa: E731
RELEASE = lambda leg, idx, arg=0: g(6, arg, leg, idx)  # noqa: E731  final_st[idx]
TIME = lambda arg: g(10, arg)  # noqa: E731
FAR = lambda arg=0: g(11, arg)  # noqa: E731
REL16, REL17, REL44, RLC, SUS, RES, INF, CPG_HOLD, CPG_RETR, ANM, ACM = 8, 7, 9, 11, 12, 13, 15, 3, 4, 5, 0

put("gw_call", "i2s-answered", iam(0, "1234567", 2) + PROGRESS() + ANSWER() + far(REL16) + FAR())
put("gw_call", "i2s-busy", iam(0, "1234567", 3) + RELEASE(0, 1) + FAR() + far(RLC))
put("gw_call", "i2s-t11", iam(0, "1234567", 4) + TIME(15) + PROGRESS() + ANSWER() + RELEASE(0, 0) + FAR())
put("gw_call", "i2s-redirect", text(14, "sip:+4930777@127.0.0.1:5091") + iam(0, "1234567", 5) + RELEASE(0, 6)
    + ANSWER(0) + far(REL16) + FAR())
put("gw_call", "i2s-failover", iam(3, "01234567", 6) + RELEASE(0, 3) + RELEASE(0, 2) + FAR())
put("gw_call", "i2s-overlap-collect", iam(1, "12", 7) + sam("34") + sam("56") + PROGRESS() + far(REL16) + FAR())
put("gw_call", "i2s-overlap-x2", iam(1, "123", 8) + TIME(3) + TIME(1) + far(REL16) + FAR() + iam(1, "1", 9) + TIME(4)
    + FAR())
put("gw_call", "i2s-overlap-3578", iam(2, "123", 10) + RELEASE(0, 5) + sam("4") + PROGRESS() + sam("5")
    + ANSWER() + sam("6") + far(REL16) + FAR())
put("gw_call", "i2s-sipt", text(12, bytes.fromhex("06160400")) + iam(0, "1234567", 11) + PROGRESS(0, 12)
    + text(12, bytes.fromhex("0900")) + ANSWER(0, 3) + far(SUS) + far(RES) + far(INF) + g(7, 0, 0)
    + text(12, bytes.fromhex("0c0200028191")) + RELEASE(0, 0, 2) + FAR())
put("gw_call", "i2s-hold", iam(0, "1234567", 12) + ANSWER() + g(8, 1, 0) + g(8, 0, 0) + g(8, 4, 0)
    + text(13, "v=0\r\no=x 1 2 IN IP4 10.9.9.9\r\ns=-\r\nc=IN IP4 10.9.9.9\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"
           "a=sendonly\r\n") + g(8, 12, 0) + far(CPG_HOLD) + far(CPG_RETR) + far(SUS) + TIME(15) + far(RES)
    + RELEASE(0, 0))
put("gw_call", "i2s-clearmode-no-route", iam(0, "1234567", 13, 8) + FAR() + iam(5, "999", 14) + FAR() + far(RLC, 14))
put("gw_call", "s2i-answered", invite("30123456") + FAR(1) + ANSWER(0) + RELEASE(0, 0) + FAR())
put("gw_call", "s2i-busy-cancel", invite("30123456") + FAR(3) + FAR() + invite("30123457") + FAR(0)
    + RELEASE(1, 0) + FAR())
put("gw_call", "s2i-cause44", invite("30123456") + far(REL44) + FAR() + far(REL44) + FAR())
put("gw_call", "s2i-overlap", invite("123", flags=1) + TIME(2) + invite("12345678", flags=0x11) + FAR(1)
    + ANSWER(1) + far(REL16) + FAR())
put("gw_call", "s2i-sipt-100rel", text(12, IAM_ITU) + invite("301234567", flags=0x04, body=2) + FAR(4)
    + text(12, bytes.fromhex("0d0000")) + g(7, 0, 0) + invite("301", flags=0x28) + invite("3301", flags=3)
    + RELEASE(0, 0) + FAR())
put("gw_call", "dual-seizure", g(1, 0, 26, 1) + FAR() + invite("30123456") + iam(0, "1234567", 0x80) + FAR(1)
    + far(REL16) + FAR() + RELEASE(0, 0) + FAR())
put("gw_call", "shutdown", iam(0, "1234567", 15) + ANSWER() + invite("30123456") + g(15, 15) + FAR())
put("gw_call", "raw-isup", g(0, 0, 7) + bytes.fromhex("1000010020000a") + g(0, 0, 4) + bytes.fromhex("16000900")
    + g(1, 2, 16, 3, 0x2a, 1, 0x55, 0x39, 2, 0x01, 0x02) + FAR(5))
