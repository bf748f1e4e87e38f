#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Two pstn-sim exchanges on an MTP2 link (AF_UNIX SOCK_SEQPACKET): alignment, link test, TRA, then the
# same calls as over M3UA. Exchange A writes every MSU to a DLT_MTP3 pcap that tshark decodes.
# Usage: two-exchanges-mtp2.sh [OUTDIR]
sim=${SIM:-./sim/pstn-sim}
dir=${srcdir:-.}/sim
out=${1:-sim-out-mtp2}
mkdir -p "$out"
sock="$out/link0.sock"
pcap="$out/mtp2-link.pcap"
rm -f "$sock" "$pcap"
$sim --name A --mtp2-listen "$sock" --opc 2-2-2 --dpc 1-1-1 --script "$dir/exchange-a.script" --trace "$pcap" \
	--timeout 40 >"$out/a.out" 2>&1 &
a=$!
for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
$sim --name B --mtp2-connect "$sock" --opc 1-1-1 --dpc 2-2-2 --script "$dir/exchange-b.script" \
	--timeout 40 >"$out/b.out" 2>&1
rb=$?
wait $a
ra=$?
echo "---- exchange B (1-1-1) over MTP2"
sed 's/ \(nci\|fci\|bci\|cgpn\.ni\|cdpn\.inn\|cgpn\.apri\)[^ ]*//g' "$out/b.out"
fail=0
check() { grep -q "$2" "$out/$1.out" || { echo "MISSING in $1: $2"; fail=1; }; }
[ $ra = 0 ] || { echo "exchange A exited $ra"; cat "$out/a.out"; fail=1; }
[ $rb = 0 ] || { echo "exchange B exited $rb"; fail=1; }
check b "^B event: signalling up (mtp2)"
check b "^B -> IAM cic=[0-9]* .*cdpn.digits=4930123456"
check b "^B <- ACM"
check b "^B event: ANSWER"
check b "^B <- RLC"
check a "^A event: RELEASE cic=[0-9]* cause=16"
check a "^A -> IAM .*cdpn.digits=2125551212"
check a "^A event: RELEASE cic=[0-9]* cause=17"
if [ -n "$TSHARK" ] && [ -s "$pcap" ]; then
	echo "---- exchange A's trace of its link, decoded by tshark"
	"$TSHARK" -r "$pcap" 2>/dev/null | sed 's/^/    /'
	n=$("$TSHARK" -r "$pcap" -Y isup 2>/dev/null | wc -l)
	[ "$n" -eq 8 ] || { echo "tshark saw $n ISUP messages, expected 8"; fail=1; }
	m=$("$TSHARK" -r "$pcap" -Y "_ws.malformed || _ws.expert.severity >= error" 2>/dev/null | wc -l)
	[ "$m" -eq 0 ] || { echo "tshark: $m malformed packets"; fail=1; }
	t=$("$TSHARK" -r "$pcap" -Y "mtp3mg" 2>/dev/null | wc -l)
	[ "$t" -ge 2 ] || { echo "tshark saw $t MTP3 management messages (TRA both ways expected)"; fail=1; }
fi
[ $fail = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
