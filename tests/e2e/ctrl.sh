#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The CTRL interface (gateway/gw_ctrl.c) driven by an independent client (ctrl-client.py: the Osmocom control
# protocol over IPA framing): every variable read or set, the errors for unknown objects and bad values, and
# the TRAPs of a SIP peer taken out of service and of the ASP coming up. What SETs do must reach the far
# exchange: pstn-sim's ladder shows the BLO, CGB, UBL, CGU, RSC and GRS.
# Usage: ctrl.sh [OUTDIR]
here=${srcdir:-.}/e2e
out=${1:-ctrl-out}
only=""
. "$here/e2e-lib.sh"
P_CTRL=$((base + 6))
printf ' ctrl-interface 127.0.0.1 %s\n' $P_CTRL >>"$out/isupgw.cfg"
gw_start
wait_tcp_listen $P_CTRL || bad ctrl "nothing listens on $P_CTRL"
ctrl() { python3 "$here/ctrl-client.py" $P_CTRL; }
want_reply() { # case file regexp
	grep -q -- "$3" "$out/$1.$2" || { bad "$1" "no '$3' in $1.$2"; return 1; }
}

# ---- before the signalling is up: reads, the operator's peer state, errors ----
c=ctrl-idle
ctrl >"$out/$c.out" <<'EOF'
GET calls-active
GET calls
GET trunk.pstn.state
GET trunk.pstn.circuits
GET trunk.pstn.cic.7.state
GET asp.pstn0.state
GET sip-peer.far.state
SET sip-peer.far.state down
wait-trap sip-peer\.far\.state admin-down 10
SET sip-peer.far.state up
wait-trap sip-peer\.far\.state up 10
GET trunk.nope.state
GET trunk.pstn.cic.99.state
GET linkset.none.state
SET trunk.pstn.block x
SET trunk.pstn.state available
GET trunk.pstn.block
SET sip-peer.far.state sideways
GET rate_ctr.abs.isup_trunk.0.call:in
EOF
cat "$out/$c.out"
want_reply $c out "^GET_REPLY 1 calls-active 0$" && want_reply $c out "^GET_REPLY 2 calls $" &&
	want_reply $c out "^GET_REPLY 3 trunk.pstn.state paused$" &&
	want_reply $c out "^GET_REPLY 4 trunk.pstn.circuits total=31,idle=31,busy=0,reset=0,blocked-local=0,blocked-remote=0$" &&
	want_reply $c out "^GET_REPLY 5 trunk.pstn.cic.7.state IDLE$" &&
	want_reply $c out "^GET_REPLY 6 asp.pstn0.state DOWN$" && want_reply $c out "^GET_REPLY 7 sip-peer.far.state up$" &&
	want_reply $c out "^SET_REPLY 8 sip-peer.far.state admin-down$" &&
	want_reply $c out "^TRAP 0 sip-peer.far.state admin-down$" && want_reply $c out "^SET_REPLY 9 sip-peer.far.state up$" &&
	want_reply $c out "^TRAP 0 sip-peer.far.state up$" && want_reply $c out "^ERROR 10 " && want_reply $c out "^ERROR 11 " &&
	want_reply $c out "^ERROR 12 " && want_reply $c out "^ERROR 13 .*a CIC or FIRST-LAST" &&
	want_reply $c out "^ERROR 14 Read Only attribute" && want_reply $c out "^ERROR 15 Write Only attribute" &&
	want_reply $c out "^ERROR 16 up or down" && want_reply $c out "^GET_REPLY 17 rate_ctr.abs.isup_trunk.0.call:in 0$" &&
	ok $c

# ---- the ASP comes up (a TRAP), a call, maintenance through the far exchange ----
c=ctrl-maint
printf 'wait-trap asp\\.pstn0\\.state ACTIVE 30\n' | ctrl >"$out/$c.trap" &
trapper=$!
uas_bg $c uas-answer 1
sim_bg $c "expect signalling 30
call 301234567 4930999
expect ANSWER 10
expect USR1 60
release last 16
wait 1
quit"
wait $trapper
want_reply $c trap "^TRAP 0 asp.pstn0.state ACTIVE$"
wait_for "$out/$c.sim" "event: ANSWER" 30 || bad $c "the call was not answered"
ctrl >"$out/$c.out" <<'EOF'
GET calls-active
GET calls
GET trunk.pstn.state
GET asp.pstn0.state
SET trunk.pstn.block 5
SET trunk.pstn.block 10-12
GET trunk.pstn.cic.10.state
GET trunk.pstn.circuits
SET trunk.pstn.unblock 5
SET trunk.pstn.unblock 10-12
SET trunk.pstn.reset 7
EOF
cat "$out/$c.out"
want_reply $c out "^GET_REPLY 1 calls-active 1$" && want_reply $c out "^GET_REPLY 2 calls call-[0-9]* isup-to-sip [0-9]* ACTIVE$" &&
	want_reply $c out "^GET_REPLY 3 trunk.pstn.state available$" &&
	want_reply $c out "^GET_REPLY 4 asp.pstn0.state ACTIVE$" && want_reply $c out "^SET_REPLY 5 trunk.pstn.block 5$" &&
	want_reply $c out "^SET_REPLY 6 trunk.pstn.block 10-12$" &&
	want_reply $c out "^GET_REPLY 7 trunk.pstn.cic.10.state IDLE local-maint$" &&
	want_reply $c out "^GET_REPLY 8 trunk.pstn.circuits total=31,idle=26,busy=1,reset=0,blocked-local=4,blocked-remote=0$" &&
	want_reply $c out "^SET_REPLY 9 trunk.pstn.unblock 5$" && want_reply $c out "^SET_REPLY 10 trunk.pstn.unblock 10-12$" &&
	want_reply $c out "^SET_REPLY 11 trunk.pstn.reset 7$"
kill -USR1 $sim
wait $sim
kill $sipp 2>/dev/null
wait $sipp 2>/dev/null
# the reset of every circuit, once the call is gone
wait_for "$out/$c.sim" "<- RLC" 10
printf 'SET trunk.pstn.reset all\n' | ctrl >>"$out/$c.out"
want_reply $c out "^SET_REPLY 1 trunk.pstn.reset all$"
for m in "<- BLO cic=5" "<- CGB cic=10 .*rs.range=2" "<- UBL cic=5" "<- CGU cic=10 .*rs.range=2" "<- RSC cic=7"; do
	want $c sim "$m"
done
gw_stop
# the reset of all went out before the stop (pstn-sim is gone: only our log shows it)
grep -q "CTRL: trunk pstn reset all" "$out/isupgw.log" || bad $c "no reset of all logged"
case " $failed " in *" $c "*) ;; *) ok $c ;; esac
echo "ctrl: $pass passed, $fail failed${failed:+ (}${failed# }${failed:+)}"
[ $fail = 0 ]
