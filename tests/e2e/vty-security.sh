#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The VTY locked down: with 'password', 'enable password' and 'login' configured, nothing is shown before
# the line password, nothing changes before the enable password, a wrong password gets nothing, and the
# SIP peers' digest passwords never appear on a terminal ('write file' keeps them). Without passwords the
# gateway says so at start. Usage: vty-security.sh [OUTDIR]
here=${srcdir:-.}/e2e
out=${1:-vty-out}
only=""
. "$here/e2e-lib.sh"

# the unprotected configuration first: the gateway must say so
gw_start
gw_stop
if grep -q "VTY on 127.0.0.1: no login password, no enable password" "$out/isupgw.log"; then
	ok vty-open-notice
else
	bad vty-open-notice "no warning about the open VTY in the log"
fi

sed -i "s|^line vty\$|password line-secret\\
enable password enable-secret\\
line vty\\
 login|" "$out/isupgw.cfg"
gw_start
grep -q "no login password\|no enable password" "$out/isupgw.log" && bad vty-locked-notice "warned although locked"

# one telnet session: the lines are sent one after the other, each once the VTY has answered
session() { # lines...
	python3 - "$P_VTY" "$@" <<'PYEOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.settimeout(0.3)
data = b""
def drain(wait):
    global data
    end = time.time() + wait
    while time.time() < end:
        try:
            d = s.recv(65536)
            if not d:
                return
            data += d
        except socket.timeout:
            pass
drain(0.6)
for line in sys.argv[2:]:
    s.sendall(line.encode() + b"\r\n")
    drain(0.6)
print(bytes(c for c in data if c < 128 and c != 0xff).decode(errors="replace").replace("\r", ""))
PYEOF
}

session "wrong" "show sip connections" >"$out/s1.txt"
if grep -q "Password:" "$out/s1.txt" && ! grep -q "open now" "$out/s1.txt"; then
	ok vty-login-refused
else
	bad vty-login-refused "see $out/s1.txt"
fi
session "line-secret" "show sip connections" "configure terminal" "enable" "wrong" >"$out/s2.txt"
if grep -q "open now" "$out/s2.txt" && ! grep -q "(config)#" "$out/s2.txt" && ! grep -q "isupgw#" "$out/s2.txt"; then
	ok vty-view-only
else
	bad vty-view-only "see $out/s2.txt"
fi
session "line-secret" "enable" "enable-secret" "show running-config" "write file" >"$out/s3.txt"
if grep -q "isupgw#" "$out/s3.txt" && grep -q "! auth-credentials isupgw.test gwuser (password hidden" "$out/s3.txt" &&
	! grep -q "gwsecret" "$out/s3.txt"; then
	ok vty-secret-hidden
else
	bad vty-secret-hidden "see $out/s3.txt"
fi
if grep -q "^ auth-credentials isupgw.test gwuser gwsecret" "$out/isupgw.cfg"; then
	ok vty-write-file-keeps-secret
else
	bad vty-write-file-keeps-secret "the written configuration lost the password"
fi
gw_stop
echo "vty-security: $pass passed, $fail failed${failed:+ (failed:$failed)}"
[ $fail = 0 ]
