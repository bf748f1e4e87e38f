#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Maintenance blocking survives a crash (gateway `maintenance-state FILE`): with a call up, the operator
# blocks CIC 5 (BLO) and 10-12 (maintenance CGB), blocks and unblocks CIC 20; the state file must then name
# 5 and 10-12 only. The gateway is killed with SIGKILL mid-call and started again: it must reset the trunk
# (GRS, reset-on-start) and block 5, 10, 11 and 12 again once the GRA is in, and `show isup circuits` must
# show exactly those four blocked by us and every other circuit idle - the call's among them.
# Usage: maint-state.sh [OUTDIR]
here=${srcdir:-.}/e2e
out=${1:-maint-out}
only=""
. "$here/e2e-lib.sh"
state=$out/maint.state
rm -f "$state" "$state.tmp"
printf 'isup\n reset-on-start\ngateway\n maintenance-state %s\n' "$state" >>"$out/isupgw.cfg"

c=maint-state
# SIPp answers the call and keeps it (the gateway dies under it: its outcome is not checked)
uas_bg $c uas-answer 1
# the call goes once the gateway's reset at start is answered (USR1 after pstn-sim's GRA)
sim_bg $c "expect signalling 30
expect USR1 60
call 301234567 4930999
expect ANSWER 10
expect USR1 120
quit" 150
gw_start
trap 'kill $gw $sim $sipp 2>/dev/null' EXIT INT TERM

wait_for "$out/$c.sim" "-> GRA" 30 || bad $c "no GRA to the reset at start"
kill -USR1 $sim
wait_for "$out/$c.sim" "event: ANSWER" 30 || bad $c "the call was not answered"
vty_cmd "enable
isup trunk pstn block cic 5
isup trunk pstn block group 10 2 maintenance
isup trunk pstn block cic 20
isup trunk pstn unblock cic 20" >"$out/$c.vty1"
wait_for "$out/$c.sim" "-> UBA" 10 || bad $c "no UBA for CIC 20"
echo "state file after the blocking:"
cat "$state"
grep -q "^trunk pstn 5 10-12$" "$state" || bad $c "the state file does not say 'trunk pstn 5 10-12'"

# the crash, mid-call
grs0=$(grep -c -- "<- GRS" "$out/$c.sim")
blo0=$(grep -c -- "<- BLO" "$out/$c.sim")
kill -KILL $gw
wait $gw 2>/dev/null
cp "$out/isupgw.log" "$out/isupgw-before-kill.log"
gw_start
trap 'kill $gw $sim $sipp 2>/dev/null' EXIT INT TERM
# after the reset, the four circuits are blocked again (one BLO each)
for i in $(seq 300); do
	[ "$(grep -c -- "<- BLO" "$out/$c.sim")" -ge $((blo0 + 4)) ] && break
	sleep 0.1
done
grs1=$(grep -c -- "<- GRS" "$out/$c.sim")
blo1=$(grep -c -- "<- BLO" "$out/$c.sim")
[ "$grs1" -gt "$grs0" ] || bad $c "no GRS after the restart"
[ "$blo1" -ge $((blo0 + 4)) ] || bad $c "$((blo1 - blo0)) BLOs after the restart, not 4"
grep -q "4 circuits blocked by the operator before the restart" "$out/isupgw.log" ||
	bad $c "the restarted gateway did not read the state file"
# every circuit idle, the four blocked by us (and by no one else)
for i in $(seq 100); do
	vty_cmd "show isup circuits pstn" >"$out/$c.circuits"
	[ "$(grep -c "^  [0-9]* *IDLE *- " "$out/$c.circuits")" = 27 ] && break
	sleep 0.1
done
cat "$out/$c.circuits"
for cic in 5 10 11 12; do
	grep -q "^  $cic  *IDLE  *local-maint  *-" "$out/$c.circuits" || bad $c "CIC $cic is not idle and blocked by us"
done
n_idle=$(grep -c "^  [0-9]* *IDLE *- " "$out/$c.circuits")
[ "$n_idle" = 27 ] || bad $c "$n_idle circuits idle and unblocked, not 27"
grep -q "^trunk pstn 5 10-12$" "$state" || bad $c "the state file changed over the restart"

kill -USR1 $sim
wait $sim
kill $sipp 2>/dev/null
wait $sipp 2>/dev/null
gw_stop
case " $failed " in *" $c "*) ;; *) ok $c ;; esac
echo "maint-state: $pass passed, $fail failed${failed:+ (}${failed# }${failed:+)}"
[ $fail = 0 ]
