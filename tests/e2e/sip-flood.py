#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Connection floods against a SIP listener (tests/e2e/sip-flood.sh).

  idle HOST PORT N SOURCES [--tls]   open N connections spread over SOURCES local addresses
                                     (127.0.0.K..), say nothing, hold them until SIGTERM; prints how
                                     many the far end closed meanwhile
  junk HOST PORT N SOURCES KIND      N connections one after the other from SOURCES local addresses
                                     (127.0.0.100..), each sends junk and closes;
                                     KIND: text (an unparseable line), tlshello (a TLS-hello-like
                                     line), length (a request with a bad Content-Length)
  tlscall HOST PORT RURI [CERT KEY CA]
                                     one call over TLS: INVITE, ACK after 200, BYE; exit 0 when the
                                     BYE is answered 200; with CERT and KEY it presents that client
                                     certificate, with CA it checks the gateway's against it; exit 2
                                     when the TLS handshake fails
  tlsserve PORT CERT KEY CA          a TLS peer on 127.0.0.1:PORT for one connection: answers the first
                                     INVITE 486 and waits for its ACK; prints whether an INVITE came
                                     (exit 0) or what failed (exit 3)
"""
import signal
import socket
import ssl
import sys
import time

JUNK = {
    "text": b"hello\r\n\r\n",
    "tlshello": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"A" * 40 + b"\r\n\r\n",
    "length": (b"OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKj\r\n"
               b"From: <sip:j@127.0.0.1>;tag=j\r\nTo: <sip:x@127.0.0.1>\r\nCall-ID: junk\r\n"
               b"CSeq: 1 OPTIONS\r\nContent-Length: -7\r\n\r\nabc"),
}


def sources(n):
    return ["127.0.0.%d" % (2 + i) for i in range(n)]


def idle(host, port, n, nsrc, use_tls):
    socks = []
    srcs = sources(nsrc)
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((srcs[i % nsrc], 0))
        s.settimeout(5)
        try:
            s.connect((host, port))
        except OSError as e:
            print("idle: connect %d: %s" % (i, e), flush=True)
            s.close()
            continue
        s.setblocking(False)
        socks.append(s)
    print("idle: %d open" % len(socks), flush=True)
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    while not stop:
        time.sleep(0.2)
    closed = 0
    for s in socks:
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    print("idle: %d of %d closed by the far end" % (closed, len(socks)), flush=True)


def junk(host, port, n, nsrc, kind):
    data = JUNK[kind]
    failed = 0
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # each connection its own source address and port: a port the kernel picks may meet an old
        # connection of the same addresses in TIME_WAIT, and its SYN then waits a second for nothing
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.%d" % (100 + i % nsrc), 20000 + (i // nsrc) % 40000))
        s.settimeout(5)
        try:
            s.connect((host, port))
            s.sendall(data)
        except OSError:
            failed += 1
        s.close()
    print("junk: %d %s connections, %d failed to connect or send" % (n, kind, failed), flush=True)


def tlscall(host, port, ruri, cert=None, key=None, ca=None):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if ca:
        ctx.load_verify_locations(ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
    if cert:
        ctx.load_cert_chain(cert, key)
    raw = socket.create_connection((host, port), timeout=10)
    try:
        s = ctx.wrap_socket(raw)
    except (ssl.SSLError, OSError) as e:
        print("tlscall: TLS handshake failed: %s" % e, flush=True)
        return 2
    lport = s.getsockname()[1]
    tag, cid = "tlsf1", "tls-flood-call@127.0.0.1"
    buf = b""

    def send(method, cseq, to_tag="", body=b""):
        hdr = ("%s %s SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:%d;branch=z9hG4bK%s%d\r\nMax-Forwards: 70\r\n"
               "From: <sip:4930999888@127.0.0.1>;tag=%s\r\nTo: <%s>%s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n"
               "Contact: <sips:4930999888@127.0.0.1:%d;transport=tls>\r\n" %
               (method, ruri, lport, method.lower(), cseq, tag, ruri, to_tag, cid, cseq, method, lport))
        if body:
            hdr += "Content-Type: application/sdp\r\n"
        hdr += "Content-Length: %d\r\n\r\n" % len(body)
        s.sendall(hdr.encode() + body)

    def response():
        nonlocal buf
        while True:
            i = buf.find(b"\r\n\r\n")
            if i >= 0:
                head = buf[:i].decode(errors="replace")
                clen = 0
                for line in head.split("\r\n"):
                    if line.lower().startswith("content-length:") or line.lower().startswith("l:"):
                        clen = int(line.split(":", 1)[1])
                if len(buf) >= i + 4 + clen:
                    buf = buf[i + 4 + clen:]
                    return head
            d = s.recv(65536)
            if not d:
                raise OSError("connection closed")
            buf += d

    sdp = (b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
           b"m=audio 6000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n")
    send("INVITE", 1, body=sdp)
    to_tag = ""
    while True:
        head = response()
        status = int(head.split(" ", 2)[1])
        print("tlscall: INVITE -> %d" % status, flush=True)
        if status >= 200:
            for line in head.split("\r\n"):
                if line.lower().startswith("to:") or line.lower().startswith("t:"):
                    t = line.find(";tag=")
                    to_tag = line[t:] if t >= 0 else ""
            break
    if status != 200:
        return 1
    send("ACK", 1, to_tag)
    time.sleep(0.5)
    send("BYE", 2, to_tag)
    while True:
        head = response()
        if " BYE" in head.split("\r\nCSeq:", 1)[-1].split("\r\n", 1)[0] or "CSeq: 2 BYE" in head:
            status = int(head.split(" ", 2)[1])
            print("tlscall: BYE -> %d" % status, flush=True)
            return 0 if status == 200 else 1


def tlsserve(port, cert, key, ca):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.load_verify_locations(ca)
    ctx.verify_mode = ssl.CERT_OPTIONAL
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(4)
    ls.settimeout(30)
    print("tlsserve: ready", flush=True)
    got_invite = False
    try:
        raw, _ = ls.accept()
        raw.settimeout(10)
        s = ctx.wrap_socket(raw, server_side=True)
        buf = b""
        while True:
            d = s.recv(65536)
            if not d:
                raise OSError("connection closed by the gateway")
            buf += d
            i = buf.find(b"\r\n\r\n")
            if i < 0:
                continue
            head = buf[:i].decode(errors="replace")
            clen = 0
            for line in head.split("\r\n"):
                if line.lower().startswith(("content-length:", "l:")):
                    clen = int(line.split(":", 1)[1])
            if len(buf) < i + 4 + clen:
                continue
            buf = buf[i + 4 + clen:]
            head = head.lstrip("\r\n")
            if head.startswith("ACK "):
                print("tlsserve: ACK", flush=True)
                return 0
            if not head.startswith("INVITE "):
                continue
            print("tlsserve: INVITE received", flush=True)
            got_invite = True
            keep = [ln for ln in head.split("\r\n")[1:]
                    if ln.lower().startswith(("via:", "v:", "from:", "f:", "call-id:", "i:", "cseq:"))]
            to = [ln for ln in head.split("\r\n") if ln.lower().startswith(("to:", "t:"))][0] + ";tag=tlsserve"
            resp = "SIP/2.0 486 Busy Here\r\n" + "\r\n".join(keep + [to]) + "\r\nContent-Length: 0\r\n\r\n"
            s.sendall(resp.encode())
    except (ssl.SSLError, OSError) as e:
        if got_invite:
            return 0
        print("tlsserve: no INVITE: %s" % e, flush=True)
        return 3


def main():
    a = sys.argv[1:]
    if a and a[0] == "idle":
        idle(a[1], int(a[2]), int(a[3]), int(a[4]), "--tls" in a)
    elif a and a[0] == "junk":
        junk(a[1], int(a[2]), int(a[3]), int(a[4]), a[5])
    elif a and a[0] == "tlsserve":
        sys.exit(tlsserve(int(a[1]), a[2], a[3], a[4]))
    elif a and a[0] == "tlscall":
        try:
            sys.exit(tlscall(a[1], int(a[2]), a[3], *a[4:7]))
        except (ssl.SSLError, OSError) as e:
            # TLS 1.3: the server judges our certificate after the handshake; a refusal shows at a read
            print("tlscall: TLS connection failed: %s" % e, flush=True)
            sys.exit(2)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
