#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job: isupgw on its embedded default configuration between a telephone exchange (pstn-sim,
# ISUP over M3UA/TCP on 127.0.0.1:2905) and a SIP peer (SIPp on 127.0.0.1:5070). Two calls:
#   1. PSTN -> SIP: the exchange dials 030 1234567, the SIP phone rings and answers, the caller hangs up;
#   2. SIP -> PSTN: the SIP phone dials +49 30 123456, the exchange answers, the SIP side hangs up.
# Prints one ladder (ISUP on the left, SIP on the right), the gateway's counters from its VTY, and the
# gateway's log lines for each call. Needs the ports 2905, 4270, 5060 and 5070 on 127.0.0.1 free.
set -e
cd "$(dirname "$0")"
sh tests/deps.sh
if [ ! -x build/normal/gateway/isupgw ]; then
	autoreconf -fi >/dev/null
	mkdir -p build/normal && cd build/normal && ../../configure -q && make -s -j"$(nproc)" && cd ../..
fi
make -s -C build/normal -j"$(nproc)" >/dev/null
make -s -C build/normal/tests sim/pstn-sim
out=build/demo
rm -rf "$out"
mkdir -p "$out"
sipp_dir=tests/e2e/sipp

echo "==== isupgw's embedded configuration (isupgw --dump-default)"
build/normal/gateway/isupgw --dump-default | sed 's/^/    /'

cat >"$out/pstn.script" <<'EOF'
auto answer
expect signalling 20
wait 1
call 301234567 4930999
tone last 1000
expect ALERTING 10
wait 1
listen last
expect ANSWER 10
wait 2
listen last
expect RELEASE 10
expect SETUP 20
expect RELEASE 10
wait 1
quit
EOF

# the called SIP phone: SIPp for its signalling (180, 200 after 2.5 s, BYE 5 s later), an RTP peer on
# 127.0.0.1:5072 for its media (a 1400 Hz tone; it reports what it hears)
python3 tests/e2e/rtp-peer.py --port 5072 --freq 1400 --duration 10 >"$out/phone.out" 2>&1 &
phone=$!
sipp -sf $sipp_dir/uas-media.xml -key rtpport 5072 -key pt 8 -key codec PCMA -i 127.0.0.1 -p 5070 -m 1 -timeout 30 \
	-trace_msg -message_file "$out/sip-uas.msg" >/dev/null 2>&1 &
uas=$!
build/normal/tests/sim/pstn-sim --name PSTN --listen 127.0.0.1 --port 2905 --opc 2-2-2 --dpc 1-1-1 --timestamps \
	--span 5101:5100 --script "$out/pstn.script" --timeout 60 >"$out/pstn.out" 2>&1 &
sim=$!
build/normal/gateway/isupgw >"$out/isupgw.log" 2>&1 &
gw=$!
trap 'kill $gw $sim $uas $phone 2>/dev/null' EXIT INT
wait $uas || echo "SIPp (callee) reported a failed call"
sleep 0.5
sipp -sf $sipp_dir/uac-answer.xml -s +4930123456 -key caller 4930999888 -i 127.0.0.1 -p 5071 -m 1 -timeout 20 \
	-trace_msg -message_file "$out/sip-uac.msg" 127.0.0.1:5060 >/dev/null 2>&1 || echo "SIPp (caller) reported a failed call"
wait $sim || echo "pstn-sim reported a failure"
wait $phone

echo
echo "==== the ladder: PSTN exchange (2-2-2) -- isupgw (1-1-1) -- SIP peer"
python3 tests/sim/ladder.py "$out/pstn.out" "$out/sip-uas.msg" "$out/sip-uac.msg"

echo
echo "==== the media of the first call: 1000 Hz played into CIC 2's timeslot, 1400 Hz by the SIP phone;"
echo "     the PSTN listened once while the phone was ringing (the gateway's ringback), once after the answer"
sed -n 's/^rtp-peer: /    SIP phone heard (RTP): /p' "$out/phone.out" | grep -v "packets of another\|digits \[\]"
sed -n 's/^.*PSTN event: audio \([0-9]*\) \(.*\)/    PSTN heard on CIC \1 (E1 timeslot, CESoPSN): \2/p' "$out/pstn.out"

echo
echo "==== the gateway's VTY (telnet 127.0.0.1 4270): show sip peers / show gateway calls / show cs7 asp / show media"
python3 - <<'EOF' || true
import socket, time
s = socket.create_connection(("127.0.0.1", 4270), timeout=3)
for cmd in (b"show sip peers\r\n", b"show gateway calls\r\n", b"show cs7 asp\r\n", b"show media\r\n", b"exit\r\n"):
    s.sendall(cmd)
    time.sleep(0.3)
data = b""
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
except OSError:
    pass
text = bytes(c for c in data if c < 128 and c != 255).decode(errors="replace")
print("\n".join("    " + l for l in text.replace("\r", "").splitlines() if l.strip() and not l.startswith("\x1b")))
EOF

kill -TERM $gw
wait $gw || true
trap - EXIT INT
echo
echo "==== isupgw's log (calls at level info would show each step; the default config logs notices)"
sed 's/^/    /' "$out/isupgw.log"
echo
echo "demo files: $out (pstn.out: every ISUP message in full; sip-*.msg: every SIP message)"
