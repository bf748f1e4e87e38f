#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The RFC 4475 torture messages (tests/data/rfc4475, the RFC's bit-exact archive) against the running
# gateway; see torture.py for the expected handling of each. tshark then decodes what went back for the
# requests sofia-sip cannot take and the gateway answers itself (sip/sip_prefilter.c): intmeth's 501,
# badvers' 505 at the source address (received=, not the Via's host name), badvers-rport's 505 at the
# source port, nulhdr's 400. Usage: torture.sh [OUTDIR]
here=${srcdir:-.}/e2e
out=${1:-torture-out}
only=""
. "$here/e2e-lib.sh"
. "$here/capture.sh"
gw_start
capture_start "udp port $P_SIP" "$out/torture.pcap" 120
python3 "$here/torture.py" "${srcdir:-.}/data/rfc4475" 127.0.0.1 $P_SIP | tee "$out/torture.txt"
[ "$(tail -1 "$out/torture.txt" | sed 's/.* \([0-9]*\) failed$/\1/')" = 0 ] && ok torture || bad torture "see $out/torture.txt"
gw_stop

# tshark's reading of an answer: "dst-port status received" of the responses with that Call-ID
answered() {
	"$TSHARK" -r "$out/torture.pcap" -d udp.port==$P_SIP,sip -Y "sip.Status-Code && sip.Call-ID contains \"$1\"" \
		-T fields -e udp.dstport -e sip.Status-Code -e sip.Via.received 2>/dev/null | tr '\t' ' ' |
		sed 's/ *$//' | sort -u
}
if [ -n "$capture" ]; then
	kill $capture 2>/dev/null
	wait $capture 2>/dev/null
	lp=$(sed -n 's/^local port \([0-9]*\)$/\1/p' "$out/torture.txt")
	for c in "intmeth.word 501 -" "badvers.31417 505 127.0.0.1" "badvers-rport.31417 505 127.0.0.1" \
		"nulhdr.31417 400 -"; do
		set -- $c
		got=$(answered "$1")
		echo "---- tshark: answers to $1: ${got:-none}"
		want="$lp $2"
		[ "$3" = - ] || want="$want $3"
		[ "$got" = "$want" ] && ok "tshark-$1" || bad "tshark-$1" "tshark saw '${got:-nothing}', expected '$want'"
	done
else
	echo "SKIP: tshark checks (no tshark, or not root)"
fi
echo "torture: $pass passed, $fail failed${failed:+ (failed:$failed)}"
[ $fail = 0 ]
