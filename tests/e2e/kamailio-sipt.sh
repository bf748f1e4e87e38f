#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Kamailio's sipt module as an independent reader of our SIP-T bodies: pstn-sim places calls whose IAMs
# isupgw encapsulates in the INVITEs it sends to Kamailio; Kamailio decodes the called and calling
# numbers, their nature of address, presentation, screening, the hop counter and the calling party's
# category, and they must be what the IAM carried. Kamailio answers 486, the REL must say 17.
# Usage: kamailio-sipt.sh [OUTDIR]
here=${srcdir:-.}/e2e
out=${1:-kamailio-out}
only=""
. "$here/e2e-lib.sh"
if ! command -v kamailio >/dev/null 2>&1; then
	echo "SKIP: kamailio not installed"
	exit 77
fi
# our peer is Kamailio (on the SIPp port of e2e-lib's configuration), with SIP-T bodies
sed -i 's/^ trusted$/ sip-t required\n trusted/' "$out/isupgw.cfg"
sed -e "s/127.0.0.1:5090/127.0.0.1:$P_UAS/" "$here/kamailio-sipt.cfg" >"$out/kamailio.cfg"
kamailio -f "$out/kamailio.cfg" -DD -E >"$out/kamailio.log" 2>&1 &
kam=$!
wait_udp_port $P_UAS
gw_start
trap 'kill $gw $kam 2>/dev/null' EXIT INT TERM
sim_run calls "expect signalling 30
callx IAM cic=0 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=301234567 cgpn.nai=3 cgpn.npi=1 cgpn.si=3 cgpn.digits=4930999 hop.count=17
expect RELEASE 10
callx IAM cic=0 fci.isup_ind=1 cpc.value=15 tmr.value=3 cdpn.nai=4 cdpn.npi=1 cdpn.digits=33142345678 cgpn.nai=4 cgpn.npi=1 cgpn.apri=1 cgpn.si=1 cgpn.digits=12125551212 hop.count=5
expect RELEASE 10
wait 1
quit" || bad calls "pstn-sim failed"
kill $kam 2>/dev/null
wait $kam 2>/dev/null
grep "SIPT-IAM" "$out/kamailio.log" | sed 's/.*SIPT-IAM/SIPT-IAM/' | awk '!seen[$0]++' >"$out/decoded"  # an INVITE retransmitted before the stateless 486 shows twice
echo "---- what Kamailio's sipt module read from isupgw's INVITEs"
sed 's/^/    /' "$out/decoded"
check() { # n expected-text
	sed -n "${1}p" "$out/decoded" | grep -q -- "$2" && ok "kamailio call $1: $2" || bad "kamailio call $1" "no '$2'"
}
check 1 "called=301234567 called_nai=3 calling=4930999 calling_nai=3 pres=0 screening=3 hop=17 cpc=10"
check 2 "called=33142345678 called_nai=4 calling=12125551212 calling_nai=4 pres=1 screening=1 hop=5 cpc=15"
[ "$(grep -c '<- REL .*cause.cause=17' "$out/calls.sim")" = 2 ] && ok "486 -> REL 17 twice" || bad rel "REL 17 missing"
gw_stop
echo "kamailio sipt: $pass passed, $fail failed${failed:+ (failed:$failed)}"
[ $fail = 0 ]
