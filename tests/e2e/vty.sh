# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the test scripts: vty_cmd, the gateway's VTY on 127.0.0.1:$P_VTY.
# commands on the gateway's VTY (telnet), one per line; their output on stdout. Each line goes out once
# the VTY has shown its prompt (it drops what arrives before its greeting and telnet negotiation).
vty_cmd() {
	python3 - "$P_VTY" "$1" <<'PYEOF'
import re, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
data = b""
def until_prompt():
    global data
    t_end = time.time() + 10
    while time.time() < t_end:
        text = bytes(c for c in data if c < 128).decode(errors="replace")
        if re.search(r"[>#] \Z", text):
            return
        d = s.recv(65536)
        if not d:
            return
        data += d
    sys.stderr.write("vty: no prompt within 10 s\n")
until_prompt()
for line in sys.argv[2].replace("\r", "").split("\n") + ["exit"]:
    data += b"\n"	# what the prompt check has seen stays in the output
    s.sendall(line.encode() + b"\r\n")
    if line != "exit":
        until_prompt()
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
except OSError:
    pass
print(bytes(c for c in data if c < 128).decode(errors="replace").replace("\r", ""))
PYEOF
}
