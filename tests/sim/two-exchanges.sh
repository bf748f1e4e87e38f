#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Two pstn-sim exchanges over M3UA/TCP on 127.0.0.1, calls both ways. Used by make check and demo.sh.
# Usage: two-exchanges.sh [OUTDIR]   (prints both ladders; exit status 0 when every check passed)
sim=${SIM:-./sim/pstn-sim}
dir=${srcdir:-.}/sim
out=${1:-sim-out}
mkdir -p "$out"
. "${srcdir:-$(dirname "$0")/..}/ports.sh"
port_block || exit 99
port=$PORT_BASE
pcap="$out/m3ua.pcap"
. "${srcdir:-$(dirname "$0")/..}/e2e/capture.sh"
# the exchanges start once tshark captures
capture_start "tcp port $port" "$pcap" 20
$sim --name A --listen 127.0.0.1 --port $port --opc 2-2-2 --dpc 1-1-1 --script "$dir/exchange-a.script" \
	--timeout 40 >"$out/a.out" 2>&1 &
a=$!
wait_tcp_listen $port
$sim --name B --connect 127.0.0.1 --port $port --opc 1-1-1 --dpc 2-2-2 --script "$dir/exchange-b.script" \
	--timeout 40 >"$out/b.out" 2>&1
rb=$?
wait $a
ra=$?
[ -n "$capture" ] && { kill $capture 2>/dev/null; wait $capture 2>/dev/null; }

echo "---- exchange B (1-1-1) ladder"
sed 's/ \(nci\|fci\|bci\|cgpn\.ni\|cdpn\.inn\|cgpn\.apri\)[^ ]*//g' "$out/b.out"
echo "---- exchange A (2-2-2) ladder"
sed 's/ \(nci\|fci\|bci\|cgpn\.ni\|cdpn\.inn\|cgpn\.apri\)[^ ]*//g' "$out/a.out"
fail=0
check() { grep -q "$2" "$out/$1.out" || { echo "MISSING in $1: $2"; fail=1; }; }
[ $ra = 0 ] || { echo "exchange A exited $ra"; fail=1; }
[ $rb = 0 ] || { echo "exchange B exited $rb"; fail=1; }
check b "^B -> IAM cic=[0-9]* .*cdpn.digits=4930123456"
check b "^B <- ACM"
check b "^B event: ANSWER"
check b "^B -> REL .*cause.cause=16"
check b "^B <- RLC"
check a "^A event: RELEASE cic=[0-9]* cause=16"
check a "^A -> IAM .*cdpn.digits=2125551212"
check b "^B -> REL .*cause.cause=17"
check a "^A event: RELEASE cic=[0-9]* cause=17"
if [ -s "$pcap" ] && command -v python3 >/dev/null; then
	# Wireshark decodes M3UA only over SCTP: re-cut the TCP streams into raw M3UA records first
	python3 "$dir/m3ua-tcp-to-pcap.py" "$pcap" "$out/m3ua-raw.pcap" 2>/dev/null
	uat='uat:user_dlts:"User 0 (DLT=147)","m3ua","0","","0",""'
	echo "---- the same traffic, captured on loopback and decoded by tshark"
	"$TSHARK" -o "$uat" -r "$out/m3ua-raw.pcap" -Y isup 2>/dev/null | sed 's/^/    /'
	n=$("$TSHARK" -o "$uat" -r "$out/m3ua-raw.pcap" -Y isup 2>/dev/null | wc -l)
	# IAM ACM ANM REL RLC for the answered call, IAM REL RLC for the busy one
	[ "$n" -eq 8 ] || { echo "tshark saw $n ISUP messages, expected 8"; fail=1; }
fi
[ $fail = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
