#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The gateway at its descriptor limit (run with ulimit -n 64, media plane on): a call SIP -> ISUP with its
# media first, then the test holds VTY connections until the gateway has no descriptor left and accept()
# fails, and opens SIP connections over TCP on top. Meanwhile: the control-plane thread stays idle (CPU
# ticks of the main thread over 3 s: the VTY's and SIP's accept back off instead of spinning), a SIP -> ISUP call is refused with 503 (Reason cause 47) and an
# ISUP -> SIP call with REL cause 47 (no RTP socket), the far exchange stops and comes back and M3UA's
# attempts, failing for want of a descriptor, go on. Once the test lets its connections go: the VTY answers,
# M3UA reconnects and a call completes; the counters of each (vty:accept_backoff, call:no_media,
# m3ua:no_socket, show sip connections) say so. Usage: exhaust.sh [OUTDIR]
here=${srcdir:-.}/e2e
out=${1:-exhaust-out}
only=""
. "$here/e2e-lib.sh"
LIMIT=64
P_SPAN_GW=$((base + 6)); P_SPAN_SIM=$((base + 7))
cat >>"$out/isupgw.cfg" <<EOF
media
 rtp-address 127.0.0.1
 rtp-port-range $((base + 10)) $((base + 19))
 workers 1
 echo-canceller off
 span 0 e1 alaw udp local 127.0.0.1 $P_SPAN_GW remote 127.0.0.1 $P_SPAN_SIM
 trunk-spans pstn cic-base 0 0
EOF
# the gateway under a hard limit of LIMIT descriptors (it raises its soft limit to the hard one)
case $GW in /*) gw_bin=$GW ;; *) gw_bin=$(pwd)/$GW ;; esac
cat >"$out/isupgw-limited" <<EOF
#!/bin/sh
ulimit -Sn $LIMIT && ulimit -Hn $LIMIT || exit 99
exec "$gw_bin" "\$@"
EOF
chmod +x "$out/isupgw-limited"
GW="$out/isupgw-limited"
gw_start
hold=""
hold_sip=""
sim=""
trap 'kill $gw $hold $hold_sip $sim 2>/dev/null' EXIT INT TERM
grep -q "Max open files *$LIMIT *$LIMIT" /proc/$gw/limits || bad limit "$(grep 'open files' /proc/$gw/limits)"

sim_start() { # case script-text
	printf '%s\n' "$2" >"$out/$1.script"
	"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --span $P_SPAN_SIM:$P_SPAN_GW \
		--script "$out/$1.script" --timeout 90 >"$out/$1.sim" 2>&1 &
	sim=$!
}
uac() { # case scenario
	"$SIPP" -sf "$here/sipp/$2.xml" -s +4930123456 -key caller 4930999888 -i 127.0.0.1 -p $P_UAC -m 1 \
		-timeout 20 -timeout_error -trace_logs -log_file "$out/$1.sipp" 127.0.0.1:$P_SIP \
		>/dev/null 2>"$out/$1.sipperr"
}
count() { grep -c -- "$1" "$out/isupgw.log" 2>/dev/null || true; }
# CPU ticks (user + system) of the gateway's main thread, the control plane: the media worker's are not
# counted (it runs a 1 ms tick whatever the control plane does)
ticks() { sed 's/.*) //' /proc/$gw/task/$gw/stat | awk '{ print $12 + $13 }'; }

# pstn-sim stays up through the exhaustion: it answers the first call, then, told by SIGUSR1, places one
c=before
n0=$(gw_resumes)
sim_start far1 "auto answer
expect signalling 30
expect RELEASE 60
expect USR1 60
call 301234567
expect RELEASE 30
wait 1
quit"
wait_gw_resume $n0
m0=$(count "media: CIC .* RTP port")
uac $c uac-answer
rc=$?
if [ $rc = 0 ] && [ "$(count "media: CIC .* RTP port")" -gt "$m0" ] && wait_for "$out/far1.sim" "event: RELEASE" 10; then
	ok $c
else
	bad $c "SIPp exited $rc, or the call had no RTP port"
fi

# connections to a port held open by fd-hold.py (its pid in $held), then the gateway's back-off awaited
hold_conns() { # case port count log-regexp
	python3 "$here/fd-hold.py" $2 $3 >"$out/$1.txt" 2>&1 &
	held=$!
	wait_for "$out/$1.txt" "^open" 60
	if wait_for "$out/isupgw.log" "$4" 20; then ok $1; else bad $1 "no back-off logged"; fi
}
# every descriptor taken: VTY connections until the gateway accepts no more and says so
fd0=$(ls /proc/$gw/fd | wc -l)
hold_conns vty-backoff $P_VTY $((LIMIT + 10)) "VTY: no descriptor to accept a connection"
hold=$held
echo "descriptors: $fd0 before, $(ls /proc/$gw/fd | wc -l) held (limit $LIMIT); $(cat "$out/vty-backoff.txt")"
# SIP over TCP: the connections wait in the listener's backlog
hold_conns sip-backoff $P_SIP 3 "SIP listener .*no descriptor to accept a connection"
hold_sip=$held

c=cpu
hz=$(getconf CLK_TCK)
t0=$(ticks)
sleep 3
t1=$(ticks)
echo "main thread at the limit: $((t1 - t0)) CPU ticks in 3 s ($hz per second)"
if [ $((t1 - t0)) -le $((3 * hz / 10)) ]; then ok $c; else bad $c "$((t1 - t0)) ticks in 3 s: the loop spins"; fi

c=s2i-no-media
i0=$(grep -c -- "<- IAM" "$out/far1.sim")
uac $c uac-reject-503
rc=$?
if [ $rc = 0 ] && grep -q "503 Reason: Q.850;cause=47" "$out/$c.sipp" && [ "$(grep -c -- "<- IAM" "$out/far1.sim")" = "$i0" ]; then
	ok $c
else
	bad $c "SIPp exited $rc, no 503 with cause 47, or an IAM went out"
fi

c=i2s-no-media
kill -USR1 $sim
wait $sim
rs=$?
sim=""
if [ $rs = 0 ] && grep -q -- "<- REL .*cause.cause=47" "$out/far1.sim"; then
	ok $c
else
	bad $c "pstn-sim exited $rs, or no REL with cause 47"
fi

# the far exchange is gone (its connection closed freed a descriptor, which the VTY's next accept takes):
# M3UA's attempts fail for want of a descriptor and go on after it is back
c=m3ua-retry
wait_for "$out/isupgw.log" "m3ua pstn0: cannot connect: Too many open files" 30
e0=$(count "m3ua pstn0: cannot connect: Too many open files")
sim_start far2 "auto answer
expect signalling 60
expect RELEASE 60
wait 1
quit"
wait_listen tcp $P_M3UA
for i in $(seq 100); do
	[ "$(count "m3ua pstn0: cannot connect: Too many open files")" -ge $((e0 + 2)) ] && break
	sleep 0.1
done
e1=$(count "m3ua pstn0: cannot connect: Too many open files")
if [ "$e0" -gt 0 ] && [ "$e1" -ge $((e0 + 2)) ]; then ok $c; else bad $c "attempts without a descriptor: $e0, then $e1"; fi

# the connections let go: the VTY accepts again, M3UA reconnects, a call completes with its media
c=recovery
n0=$(gw_resumes)
kill -TERM $hold $hold_sip
wait $hold $hold_sip
hold=""
hold_sip=""
wait_gw_resume $n0
wait_for "$out/isupgw.log" "VTY: accepting again" 20
vty_cmd "show rate-counters
show sip connections" >"$out/counters.txt"
grep -E "accept_backoff|no_media|no_socket|accept back-offs" "$out/counters.txt"
ctr() { sed -n "s/^ *$1: *\([0-9]*\).*/\1/p" "$out/counters.txt" | head -1; }
sip_bo=$(sed -n 's/^accept back-offs (no descriptor free): \([0-9]*\).*/\1/p' "$out/counters.txt")
if [ "$(ctr vty:accept_backoff)" -gt 0 ] 2>/dev/null && [ "$(ctr call:no_media)" -ge 2 ] 2>/dev/null &&
	[ "$(ctr m3ua:no_socket)" -gt 0 ] 2>/dev/null && [ "${sip_bo:-0}" -gt 0 ]; then
	ok vty-counters
else
	bad vty-counters "VTY or its counters: $(grep -c . "$out/counters.txt") lines"
fi
m0=$(count "media: CIC .* RTP port")
uac $c uac-answer
rc=$?
wait $sim
rs=$?
sim=""
if [ $rc = 0 ] && [ $rs = 0 ] && grep -q -- "-> ANM" "$out/far2.sim" && [ "$(count "media: CIC .* RTP port")" -gt "$m0" ]; then
	ok $c
else
	bad $c "SIPp exited $rc, pstn-sim $rs, or no media"
fi
gw_stop
echo "exhaust: $pass passed, $fail failed${failed:+ (failed:$failed)}"
[ $fail = 0 ]
