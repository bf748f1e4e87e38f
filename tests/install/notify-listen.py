#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""systemd's side of sd_notify(3) for the tests: a unix datagram socket that the daemon reaches through
NOTIFY_SOCKET. Each message is logged as one line "pid=PID MSG" (the sender's pid from its credentials,
the message's lines joined by " | "). When a message has READY=1, it also logs whether the gateway's SIP
(UDP) and VTY (TCP) ports listen at that moment, on the line after (wait for "at READY:", not for the
message): READY must come after they are open.

usage: notify-listen.py ADDRESS LOG SIP-PORT VTY-PORT     (ADDRESS starting with @: abstract namespace)"""

import signal
import socket
import struct
import sys


def listening(proto, port):
    path, state = ("/proc/net/udp", "07") if proto == "udp" else ("/proc/net/tcp", "0A")
    with open(path) as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1].endswith(":%04X" % port) and fields[3] == state:
                return True
    return False


def main():
    addr, log, sip, vty = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    with open(log, "a", buffering=1) as out:
        out.write("listening\n")
        while True:
            data, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
            pid = 0
            for level, kind, cdata in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid = struct.unpack("iII", cdata[:12])[0]
            msg = data.decode(errors="replace").strip().replace("\n", " | ")
            out.write("pid=%d %s\n" % (pid, msg))
            if "READY=1" in msg.split(" | "):
                out.write("at READY: sip %s, vty %s\n" % ("listening" if listening("udp", sip) else "closed",
                                                        "listening" if listening("tcp", vty) else "closed"))


if __name__ == "__main__":
    main()
