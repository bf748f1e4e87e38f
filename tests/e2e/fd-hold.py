#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Holds TCP connections to 127.0.0.1:PORT open: opens them one after the other until COUNT are open or a
# connect takes longer than 2 s (the server accepts no more and its backlog is full), says "open N", then
# keeps them until SIGTERM (at most 120 s) and closes them all. Usage: fd-hold.py PORT COUNT
import signal
import socket
import sys
import time

port, count = int(sys.argv[1]), int(sys.argv[2])
socks = []
for _ in range(count):
    try:
        socks.append(socket.create_connection(("127.0.0.1", port), timeout=2))
    except OSError:
        break
print("open %d" % len(socks), flush=True)
done = False


def stop(sig, frame):
    global done
    done = True


signal.signal(signal.SIGTERM, stop)
t_end = time.time() + 120
while not done and time.time() < t_end:
    time.sleep(0.1)
for s in socks:
    s.close()
print("closed", flush=True)
