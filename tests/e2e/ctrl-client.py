#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A CTRL interface client for the tests (the Osmocom control protocol over IPA framing): reads commands
from stdin, one a line, and prints what comes back.
  GET VAR             ->  "GET_REPLY id VAR VALUE" or "ERROR id REASON"
  SET VAR VALUE       ->  "SET_REPLY id VAR VALUE" or "ERROR id REASON"
  wait-trap REGEX S   ->  the first "TRAP VAR VALUE" matching REGEX within S seconds, or "NO TRAP REGEX"
TRAPs that arrive while a reply is awaited are printed too. Usage: ctrl-client.py PORT < commands"""
import re
import socket
import struct
import sys
import time

IPA_PROTO_OSMO, IPA_EXT_CTRL = 0xEE, 0x00


class Ctrl:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.next_id = 1

    def send(self, text):
        data = bytes([IPA_EXT_CTRL]) + text.encode()
        self.s.sendall(struct.pack(">HB", len(data), IPA_PROTO_OSMO) + data)

    def recv(self, deadline):
        while True:
            if len(self.buf) >= 3:
                n, proto = struct.unpack(">HB", self.buf[:3])
                if len(self.buf) >= 3 + n:
                    frame, self.buf = self.buf[3:3 + n], self.buf[3 + n:]
                    if proto == IPA_PROTO_OSMO and frame[:1] == bytes([IPA_EXT_CTRL]):
                        return frame[1:].decode(errors="replace")
                    continue
            left = deadline - time.time()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                return None
            if not d:
                return None
            self.buf += d


def main():
    c = Ctrl(int(sys.argv[1]))
    for line in sys.stdin:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("wait-trap "):
            regex, secs = line[len("wait-trap "):].rsplit(" ", 1)
            deadline = time.time() + float(secs)
            while True:
                msg = c.recv(deadline)
                if msg is None:
                    print("NO TRAP " + regex, flush=True)
                    break
                if msg.startswith("TRAP ") and re.search(regex, msg):
                    print(msg, flush=True)
                    break
            continue
        verb, rest = line.split(" ", 1)
        cid = str(c.next_id)
        c.next_id += 1
        c.send(f"{verb} {cid} {rest}")
        deadline = time.time() + 10
        while True:
            msg = c.recv(deadline)
            if msg is None:
                print(f"NO REPLY {line}", flush=True)
                break
            print(msg, flush=True)
            if not msg.startswith("TRAP "):
                break


if __name__ == "__main__":
    main()
