#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Gateway to gateway over SIP-T (RFC 3372, RFC 3204 bodies): pstn-sim A -> isupgw 1 -> SIP-T -> isupgw 2 ->
# pstn-sim B and back. The IAM that B receives must be the IAM that A sent, parameter for parameter
# (raw ones included), and the ACM/ANM/REL that A receives the ones B sent; only the CIC differs.
# With TRANSPORT=tls the gateways talk SIP over TLS with certificates from a test CA, verified both ways,
# and tshark must see TLS records and no clear-text SIP between them.
# Usage: [TRANSPORT=udp|tls] sipt-gw2gw.sh [OUTDIR]
TRANSPORT=${TRANSPORT:-udp}
GW=${GW:-../gateway/isupgw}
SIM=${SIM:-./sim/pstn-sim}
out=${1:-sipt-out}
mkdir -p "$out"
rm -f "$out"/*.sim "$out"/*.log

. "${srcdir:-$(dirname "$0")/..}/ports.sh"
port_block || exit 99
base=$PORT_BASE
M1=$base; M2=$((base + 1)); S1=$((base + 2)); S2=$((base + 3)); V1=$((base + 4)); V2=$((base + 5))
T1=$((base + 6)); T2=$((base + 7))	# TLS
tls_sip=""
if [ "$TRANSPORT" = tls ]; then
	command -v openssl >/dev/null || { echo "SKIP: openssl not installed"; exit 77; }
	# a test CA and one certificate for 127.0.0.1 that both gateways use
	. "${srcdir:-$(dirname "$0")/..}/e2e/certs.sh"
	test_certs "$out" || exit 1
	dir=$(cd "$out" && pwd)
	tls_sip=" tls certificate $dir/gw.pem
 tls private-key $dir/gw.key
 tls ca-file $dir/ca.pem
 tls verify peer"
fi
gwcfg() { # name m3ua-port sip-port peer-sip-port vty-port tls-port peer-tls-port
	cat <<EOF
log stderr
 logging filter all 1
 logging color 0
 logging print category 1
 logging timestamp 0
 logging level set-all notice
line vty
 bind 127.0.0.1 $5
cs7
 as pstn override routing-context 1
 asp pstn0 as pstn remote 127.0.0.1 $2 tcp
 asp pstn0 reconnect-backoff 1
 route 2-2-2 as pstn
isup
 trunk pstn
  variant itu
  local-point-code 1-1-1
  remote-point-code 2-2-2
  cic-range 1 31
sip
 local sip:127.0.0.1:$3
 media-address 127.0.0.1
$([ "$TRANSPORT" = tls ] && echo " tls local sips:127.0.0.1:$6" && echo "$tls_sip")
sip-peer other
$(if [ "$TRANSPORT" = tls ]; then echo " remote 127.0.0.1 $7 tls"; else echo " remote 127.0.0.1 $4 udp"; fi)
 sip-t required
 country-code 49
 uri-host 127.0.0.1
 trusted
gateway
 route isup-to-sip * peer other
 route sip-to-isup * trunk pstn
EOF
}
gwcfg gw1 $M1 $S1 $S2 $V1 $T1 $T2 >"$out/gw1.cfg"
gwcfg gw2 $M2 $S2 $S1 $V2 $T2 $T1 >"$out/gw2.cfg"
# tshark as the independent reader of our SIP-T bodies (capturing on lo needs root)
. "$(cd "$(dirname "$0")" && pwd)/capture.sh"
capture_start "port $S1 or port $S2 or tcp port $T1 or tcp port $T2" "$out/sipt.pcap" 40
"$GW" -c "$out/gw1.cfg" >"$out/gw1.log" 2>&1 &
g1=$!
"$GW" -c "$out/gw2.cfg" >"$out/gw2.log" 2>&1 &
g2=$!
trap 'kill $g1 $g2 2>/dev/null' EXIT INT TERM

# A: a rich IAM (presentation restricted calling number, original called number, hop counter, generic
# number, a parameter kept raw) and a plain one; B answers, A hangs up. B's REL for the second call.
cat >"$out/a.script" <<'EOF'
expect signalling 30
wait 1
callx IAM cic=0 nci.satellite=0 nci.cot_ind=0 nci.echo_dev=1 fci.isup_ind=1 fci.isdn_access=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=301234567 cgpn.nai=3 cgpn.npi=1 cgpn.apri=1 cgpn.si=1 cgpn.digits=4930999 ocn.nai=3 ocn.npi=1 ocn.digits=301111111 hop.count=17 0x03.hex=01020304
expect ANSWER 10
wait 1
release last 16
wait 1
wait 1
call 4021555 89123456
expect RELEASE 10
wait 1
quit
EOF
cat >"$out/b.script" <<'EOF'
auto answer
expect signalling 30
expect RELEASE 30
auto release 17
expect SETUP 15
wait 1
quit
EOF
# B first, and A's calls once gateway 2's trunk toward B is up (it logs MTP-RESUME)
"$SIM" --name B --listen 127.0.0.1 --port $M2 --opc 2-2-2 --dpc 1-1-1 --script "$out/b.script" --timeout 60 \
	>"$out/b.sim" 2>&1 &
b=$!
wait_for "$out/gw2.log" "MTP-RESUME" 30
"$SIM" --name A --listen 127.0.0.1 --port $M1 --opc 2-2-2 --dpc 1-1-1 --script "$out/a.script" --timeout 60 \
	>"$out/a.sim" 2>&1
ra=$?
wait $b
rb=$?
kill -TERM $g1 $g2
wait $g1
r1=$?
wait $g2
r2=$?
trap - EXIT INT TERM

fail=0
bad() { echo "FAIL: $1"; fail=$((fail + 1)); }
[ $ra = 0 ] || bad "pstn-sim A exited $ra"
[ $rb = 0 ] || bad "pstn-sim B exited $rb"
[ $r1 = 0 ] || bad "isupgw 1 exited $r1"
[ $r2 = 0 ] || bad "isupgw 2 exited $r2"
# a message as sent by one side and as received by the other, without the CIC
same() { # what a-direction b-direction n
	x=$(grep "^A $2 $1 " "$out/a.sim" | sed -n "${4}p" | sed 's/^A .. //; s/ cic=[0-9]*//')
	y=$(grep "^B $3 $1 " "$out/b.sim" | sed -n "${4}p" | sed 's/^B .. //; s/ cic=[0-9]*//')
	if [ -z "$x" ] || [ "$x" != "$y" ]; then
		bad "$1 #$4 differs"
		echo "  A: $x"
		echo "  B: $y"
	else
		echo "PASS: $1 #$4 crossed SIP-T unchanged: $x" | cut -c1-160
	fi
}
same IAM "->" "<-" 1
same ACM "<-" "->" 1
same ANM "<-" "->" 1
same IAM "->" "<-" 2
same REL "->" "<-" 1
same REL "<-" "->" 1
grep -q "^A <- REL .*cause.cause=16" "$out/a.sim" && bad "A's own release came back"
grep -q "^B <- REL .*cause.cause=16" "$out/b.sim" || bad "B did not get A's REL (cause 16)"
if [ -n "$capture" ]; then
	kill $capture 2>/dev/null
	wait $capture 2>/dev/null
	dec="-d udp.port==$S1,sip -d udp.port==$S2,sip -d tcp.port==$T1,tls -d tcp.port==$T2,tls"
	"$TSHARK" -r "$out/sipt.pcap" -Y sip $dec 2>/dev/null >"$out/sip.txt"
	nsip=$(wc -l <"$out/sip.txt")
	nisup=$("$TSHARK" -r "$out/sipt.pcap" -Y isup $dec 2>/dev/null | wc -l)
	nbad=$("$TSHARK" -r "$out/sipt.pcap" -Y _ws.malformed $dec 2>/dev/null | wc -l)
	if [ "$TRANSPORT" = tls ]; then
		nhello=$("$TSHARK" -r "$out/sipt.pcap" -Y "tls.handshake.type == 1" $dec 2>/dev/null | wc -l)
		napp=$("$TSHARK" -r "$out/sipt.pcap" -Y "tls.app_data" $dec 2>/dev/null | wc -l)
		echo "---- between the gateways as tshark sees it: $nhello TLS ClientHello, $napp TLS records with data, $nsip clear-text SIP messages, $nbad malformed"
		[ "$nhello" -ge 1 ] || bad "tshark saw no TLS handshake"
		[ "$napp" -ge 6 ] || bad "tshark saw only $napp TLS application data records"
		[ "$nsip" = 0 ] || bad "tshark saw $nsip SIP messages in clear text"
	else
		echo "---- SIP-T between the gateways as tshark decodes it: $nsip SIP messages, $nisup with ISUP, $nbad malformed"
		sed 's/^/    /' "$out/sip.txt" | cut -c1-150
		[ "$nisup" -ge 6 ] || bad "tshark found ISUP in only $nisup SIP messages"
	fi
	[ "$nbad" = 0 ] || bad "tshark reports $nbad malformed packets"
fi
if [ "$TRANSPORT" = tls ]; then
	grep -q "TLS, peers verified" "$out/gw1.log" || bad "gateway 1 did not start TLS with verification"
fi
echo "sipt gateway to gateway ($TRANSPORT): $((fail == 0)) passed, $((fail != 0)) failed"
[ $fail = 0 ]
