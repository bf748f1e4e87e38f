#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The isupgw binary against libss7 (Asterisk's SS7 stack) in ANSI over an MTP2 link (AF_UNIX
# SOCK_SEQPACKET, libss7's framing with 2 FCS octets): interop/test_libss7 --gateway is the far-end switch,
# SIPp the SIP side. Checked: the link aligns and passes its link test (ANSI SLTM/SLTA), GRS (libss7 ANSI
# sends each twice: a GRA for each), a call
# from libss7 answered by SIPp and released by libss7, CGB/CGU, a call from SIPp answered by libss7 and
# released by it; show cs7 in n-c-m notation; the gateway's DLT_MTP3 trace decoded by tshark as ANSI
# (-o mtp3.standard:ANSI) with nothing malformed.
# Usage: libss7-gw.sh [itu|ansi]
variant=${1:-ansi}
here=$(cd "$(dirname "$0")" && pwd)
GW=${GW:-../gateway/isupgw}
FAR=${FAR:-./interop/test_libss7}
SIPP=${SIPP:-sipp}
out=libss7-gw-out-$variant
mkdir -p "$out"
rm -f "$out"/*
[ -x "$FAR" ] || { echo "SKIP: $FAR not built (no libss7-dev)"; exit 77; }
command -v "$SIPP" >/dev/null 2>&1 || { echo "SKIP: sipp (Debian sip-tester) not installed"; exit 77; }
. "$here/../ports.sh"
. "$here/../e2e/vty.sh"
port_block || exit 99
P_SIP=$PORT_BASE; P_UAS=$((PORT_BASE + 1)); P_UAC=$((PORT_BASE + 2)); P_VTY=$((PORT_BASE + 3))
if [ "$variant" = ansi ]; then
	gw_pc=245-16-1 far_pc=245-16-2 called=2125551234
else
	gw_pc=1-1-1 far_pc=2-2-2 called=4930123456
fi
sock="$out/link0.sock"
cat >"$out/isupgw.cfg" <<CFG
log stderr
 logging filter all 1
 logging color 0
 logging print category 1
 logging timestamp 0
 logging level set-all notice
 logging level call info
line vty
 bind 127.0.0.1 $P_VTY
cs7
 linkset sw local-pc $gw_pc adjacent-pc $far_pc ni 2 variant $variant
 linkset sw proving emergency
 link sw 0 unix-listen $sock
 route $far_pc linkset sw
 trace pcap $out/link.pcap
isup
 trunk pstn
  variant $variant
  local-point-code $gw_pc
  remote-point-code $far_pc
  cic-range 1 31
sip
 local sip:127.0.0.1:$P_SIP
 media-address 127.0.0.1
sip-peer far
 remote 127.0.0.1 $P_UAS udp
 uri-host 127.0.0.1
 trusted
 allow-source 127.0.0.1
gateway
 route isup-to-sip 3 peer far
 route sip-to-isup ${called%%[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]} trunk pstn
CFG

"$GW" -c "$out/isupgw.cfg" >"$out/isupgw.log" 2>&1 &
gw=$!
trap 'kill $gw $sipp_uas $far 2>/dev/null' EXIT INT TERM
wait_tcp_listen $P_VTY && wait_udp_port $P_SIP || { echo "FAIL: isupgw does not listen"; cat "$out/isupgw.log"; exit 1; }
"$SIPP" -sf "$here/../e2e/sipp/uas-answer.xml" -i 127.0.0.1 -p $P_UAS -m 1 -timeout 40 -timeout_error \
	-trace_msg -message_file "$out/uas.msg" >/dev/null 2>"$out/uas.err" &
sipp_uas=$!
wait_udp_port $P_UAS
"$FAR" --gateway "$sock" $variant "$out/libss7.log" >"$out/far.out" 2>&1 &
far=$!
fail=0
bad() { echo "FAIL: $1"; fail=1; }
if wait_for "$out/far.out" "^READY" 40; then
	# while libss7 waits for the call from SIP: the link as the gateway shows it
	vty_cmd "show cs7 linkset" >"$out/show-linkset.txt"
	vty_cmd "show cs7 route" >"$out/show-route.txt"
	up=$( [ "$variant" = ansi ] && echo " ANSI" )
	grep -q "linkset sw: local $gw_pc adjacent $far_pc ni 2$up, accessible, 1 of 1 links" "$out/show-linkset.txt" ||
		bad "show cs7 linkset: $(grep 'linkset sw' "$out/show-linkset.txt")"
	grep -q "^$far_pc .*sw *available" "$out/show-route.txt" || bad "show cs7 route: $(grep sw "$out/show-route.txt")"
	"$SIPP" -sf "$here/../e2e/sipp/uac-answer-hangup.xml" -s $called -key caller 2015551111 -i 127.0.0.1 \
		-p $P_UAC -m 1 -timeout 30 -timeout_error -trace_msg -message_file "$out/uac.msg" \
		127.0.0.1:$P_SIP >/dev/null 2>"$out/uac.err" || bad "SIPp UAC (call from SIP) exited $?"
fi
wait $far || bad "the libss7 far end exited $?"
wait $sipp_uas || bad "SIPp UAS (call from libss7) exited $?"
sed 's/^/    /' "$out/far.out"
grep -q "^BYE" "$out/uas.msg" 2>/dev/null || bad "no BYE to SIPp when libss7 released"
kill -TERM $gw
wait $gw || bad "isupgw exited $? on SIGTERM"
trap - EXIT INT TERM
grep -q "isupgw stopped" "$out/isupgw.log" || bad "no clean stop in the gateway's log"
if [ -n "$TSHARK" ] && [ -s "$out/link.pcap" ]; then
	std=$(echo $variant | tr a-z A-Z)
	"$TSHARK" -o mtp3.standard:$std -r "$out/link.pcap" >"$out/link.txt" 2>&1
	"$TSHARK" -o mtp3.standard:$std -r "$out/link.pcap" -T fields -e mtp3.dpc -e mtp3.opc -e isup.message_type \
		-e mtp3mg.h0 >"$out/link.fields" 2>&1
	m=$("$TSHARK" -o mtp3.standard:$std -r "$out/link.pcap" -Y "_ws.malformed || _ws.expert.severity >= error" \
		2>/dev/null | wc -l)
	[ "$m" -eq 0 ] || bad "tshark: $m malformed packets"
	for msg in IAM ACM ANM REL RLC GRS GRA CGB CGBA CGU CGUA; do
		grep -q "ISUP.*$msg\b" "$out/link.txt" || bad "tshark did not see $msg"
	done
	for msg in SLTM SLTA TRA; do
		[ "$(grep -c "MTP3MG.* $msg\b" "$out/link.txt")" = 2 ] || bad "tshark did not see $msg both ways"
	done
	grs=$(grep -c "ISUP.* GRS " "$out/link.txt")
	gra=$(grep -c "ISUP.* GRA " "$out/link.txt")
	[ "$grs" = "$gra" ] || bad "tshark: $grs GRS but $gra GRA"
	if [ "$variant" = ansi ]; then
		# tshark prints ANSI point codes n-c-m too
		# 24-bit point codes in the 7-octet label: tshark shows them n-c-m, and as numbers
		grep -q "245-16-1 → 245-16-2 .*IAM" "$out/link.txt" || bad "tshark: no IAM from 245-16-1 to 245-16-2"
		grep -q "^16060417	16060418" "$out/link.fields" || bad "tshark: no OPC 16060417 (245-16-1)"
	fi
	echo "---- the gateway's link trace, decoded by tshark ($std)"
	sed 's/^/    /' "$out/link.txt"
else
	echo "(no tshark, or no trace: the link trace is not decoded)"
fi
[ $fail = 0 ] && echo "libss7 $variant vs isupgw: all passed" || { echo "---- isupgw.log"; tail -40 "$out/isupgw.log"; }
exit $fail
