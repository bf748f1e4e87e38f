#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The routing policy (gateway/gw_route.c) through the real isupgw, pstn-sim on the ISUP side and SIPp on the
# SIP side:
# - fo-503: ISUP -> SIP, the route list's first peer fails the INVITE with 503: its next member gets it;
# - fo-cause: SIP -> ISUP, a REL cause 17 before ACM on a list configured to fail over on 17: the IAM goes
#   again (the list's next trunk), and a second REL 17 goes back as 486;
# - hunt: SIP -> ISUP, the list's first trunk cannot seize a circuit (its point code is unreachable:
#   cause 27, configured to fail over): the call goes out on the second trunk;
# - match: SIP -> ISUP, an entry matching by called regex, calling prefix and source peer wins over a
#   lower priority one, and applies its number-rules table to the IAM;
# - vty: show running-config writes the lists and entries back as configured; test route; show gateway
#   routes counts the hits.
# Usage: routing-e2e.sh [OUTDIR] [CASE...]   (exit status 0 when every case passed)
here=${srcdir:-.}/e2e
out=${1:-routing-out}
[ $# -gt 0 ] && shift
only="$*"
. "$here/e2e-lib.sh"

# a trunk toward a point code no route reaches (no circuit can be seized), a number-rules table for the
# "match" entry, and the policy as "show running-config" writes it (the vty case compares)
cat >>"$out/isupgw.cfg" <<EOC
isup
 trunk unreachable
  variant itu
  local-point-code 1-1-1
  remote-point-code 2-2-5
  cic-range 1 31
number-rules vip-nr
 add-prefix 99
 form keep
 screen verified user
EOC
cat >"$out/routes.cfg" <<'EOC'
route-list peers
 member dead2
 member far
 failover sip 408 503
 failover cause 34 38 41 42
route-list busy-again
 member pstn
 member pstn
 failover sip 408 503
 failover cause 17
route-list hunt
 member unreachable
 member pstn
 failover sip 408 503
 failover cause 27 34 38 41 42
route-list direct
 member pstn weight 5
 no failover sip
 no failover cause
route-entry fo503 isup-to-sip
 called-prefix 81
 source pstn
 priority 10
 weight 0
 route-list peers
route-entry fo-cause sip-to-isup
 called-prefix 72
 priority 10
 weight 0
 route-list busy-again
route-entry hunt sip-to-isup
 called-prefix 73
 priority 10
 weight 0
 route-list hunt
route-entry vip sip-to-isup
 called-regex ^74[0-9]{3}$
 calling-prefix 4930999
 source far
 priority 1
 weight 0
 route-list direct
 number-rules vip-nr
route-entry catch-74 sip-to-isup
 called-prefix 74
 priority 5
 weight 0
 route-list nowhere
EOC
cat "$out/routes.cfg" >>"$out/isupgw.cfg"
gw_start

c=fo503
if selected $c; then
	isup_to_sip $c uas-busy "expect signalling 30
callx IAM cic=0 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=8123456 cgpn.nai=3 cgpn.npi=1 cgpn.si=1 cgpn.digits=4930999
expect RELEASE 20
wait 1
quit"
	sipp_ok $c && want $c msg "INVITE sip:+498123456@" && {
		grep -q "routing 8123456 from pstn, calling 4930999: route-entry fo503, route-list peers: dead2, far" \
			"$out/isupgw.log" && grep -q "sip-peer dead2 failed the INVITE (503): trying sip-peer far" \
			"$out/isupgw.log" && ok $c || bad $c "no policy decision or failover in isupgw.log"
	}
fi

c=fo-cause
sip_to_isup $c uac-reject-486 7212345 "expect signalling 30
expect SETUP 15
release last 17
expect SETUP 15
release last 17
wait 1
quit"
selected $c && sipp_ok $c && want_count $c sim "<- IAM" 2 && {
	grep -q "trunk pstn: cause 17, route-list busy-again fails over: trunk pstn" "$out/isupgw.log" && ok $c ||
		bad $c "no failover line in isupgw.log"
}

c=hunt
sip_to_isup $c uac-answer 7312345 "auto answer
expect signalling 30
expect RELEASE 15
wait 1
quit"
selected $c && sipp_ok $c && want_count $c sim "<- IAM" 1 && want $c sim "cdpn.digits=7312345" && {
	grep -q "trunk unreachable: cause 27, route-list hunt fails over: trunk pstn" "$out/isupgw.log" && ok $c ||
		bad $c "no hunting line in isupgw.log"
}

c=match
sip_to_isup $c uac-reject-486 74123 "expect signalling 30
expect SETUP 15
release last 17
wait 1
quit"
selected $c && sipp_ok $c && want $c sim "<- IAM .*cdpn.digits=9974123" && {
	grep -q "route-entry vip, route-list direct: pstn; number-rules vip-nr" "$out/isupgw.log" &&
		grep -q "number-rules vip-nr (route-entry vip): called" "$out/isupgw.log" && ok $c ||
		bad $c "no decision or number rules line in isupgw.log"
}

c=vty
if selected $c; then
	vty_cmd "enable
show running-config
test route sip-to-isup 74123 4930999888 from far
test route sip-to-isup 74123 4930999888 from other
test route sip-to-isup 741234 4930999888 from far
test route isup-to-sip 8123 from pstn
test route isup-to-sip 8123 from elsewhere
test route sip-to-isup 4930123
test route sip-to-isup 999
show gateway routes" >"$out/$c.vty"
	# the policy in the running configuration: from the first "route-list" line to the next line that is
	# neither one, a route-entry nor indented
	awk '/^route-list / { on = 1 } on && !/^(route-list |route-entry | )/ { exit } on' "$out/$c.vty" >"$out/$c.routes"
	if ! cmp -s "$out/routes.cfg" "$out/$c.routes"; then
		bad $c "show running-config writes the policy otherwise"
		diff "$out/routes.cfg" "$out/$c.routes"
	else
		want $c vty "74123 calling 4930999888 from far: route-entry vip, route-list direct: pstn; number-rules vip-nr" &&
			want $c vty "74123 calling 4930999888 from other: route-entry catch-74, route-list nowhere: no members" &&
			want $c vty "741234 calling 4930999888 from far: route-entry catch-74" &&
			want $c vty "8123 calling - from pstn: route-entry fo503, route-list peers: dead2, far" &&
			want $c vty "8123 calling - from elsewhere: route isup-to-sip 8: dead2, far" &&
			want $c vty "4930123 calling - from -: route sip-to-isup 49: pstn" &&
			want $c vty "999 calling - from -: no route" &&
			want $c vty "^vip  *sip-to-isup .*direct  *[1-9]" && ok $c
	fi
fi

gw_stop
echo "routing e2e: $pass passed, $fail failed${failed:+ (}${failed# }${failed:+)}"
[ $fail = 0 ]
