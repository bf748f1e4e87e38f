#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Malformed INVITEs at scale (sip-malformed.py: overflows, format strings, integer edges, missing,
# duplicated and NUL-laden fields, the same for SDP; UDP and every 8th over TCP) against the gateway, with
# pstn-sim releasing every call that gets through to it (cause 17, so each one ends in a 486). The gateway
# must answer an OPTIONS after every batch of 100, answer every case whose request line, Via, From, To,
# Call-ID and CSeq are intact, and end with no call, every circuit idle, as many descriptors as before,
# no ASan/UBSan report and no leak (the sanitizer build's binary).
# Cases: SIP_MALFORMED_COUNT (default 2000 in the sanitizer build, 600 in the others), seed
# SIP_MALFORMED_SEED (1). Usage: sip-malformed.sh [OUTDIR]
here=${srcdir:-.}/e2e
out=${1:-malformed-out}
only=""
. "$here/e2e-lib.sh"
if ldd "$GW" 2>/dev/null | grep -q libasan; then
	count=${SIP_MALFORMED_COUNT:-2000}
else
	count=${SIP_MALFORMED_COUNT:-600}
fi
# the connections of messages that never complete (TCP_MAY_GO in sip-malformed.py) close within 3 s, and
# so do those sofia stops reading after garbage (it keeps them until its idle timer): the descriptors are
# back where they were within seconds, and what is left then is a leak
sed -i "s|^ transaction-timeout 2000\$| transaction-timeout 2000\\
 tcp message-timeout 3\\
 tcp idle-timeout 3|" "$out/isupgw.cfg"
gw_start
fds() { ls /proc/$gw/fd 2>/dev/null | wc -l; }

n0=$(gw_resumes)
printf 'auto release 17\nwait 3600\nquit\n' >"$out/sim.script"
"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --script "$out/sim.script" \
	--timeout 3600 >"$out/pstn-sim.out" 2>&1 &
sim=$!
trap 'kill $gw $sim 2>/dev/null' EXIT INT TERM
wait_gw_resume $n0
base_fds=$(fds)

SIP_MALFORMED_OUT="$out" python3 "$here/sip-malformed.py" 127.0.0.1 $P_SIP $count ${SIP_MALFORMED_SEED:-1} \
	>"$out/malformed.txt" 2>&1
grep -v "^UNANSWERED" "$out/malformed.txt"
grep "^UNANSWERED" "$out/malformed.txt" | head -20
grep -q "^RESULT: ok" "$out/malformed.txt" && ok cases || bad cases "see $out/malformed.txt"

# every call ends: the ones pstn-sim released are ACKed; what is left must go within the SIP timers
for i in $(seq 60); do
	calls=$(vty_cmd "show gateway calls" | sed -n 's/^\([0-9]*\) calls$/\1/p')
	[ "$calls" = 0 ] && break
	sleep 1
done
[ "$calls" = 0 ] && ok no-calls || { bad no-calls "$calls calls left"; vty_cmd "show gateway calls" | tail -20; }
vty_cmd "show isup circuits pstn" >"$out/circuits.txt"
nbusy=$(grep -E '^ +[0-9]+ ' "$out/circuits.txt" | grep -v -c -E '^ +[0-9]+ +IDLE +- +-$')
[ "$nbusy" = 0 ] && ok circuits-idle || { bad circuits-idle "$nbusy circuits not idle"; cat "$out/circuits.txt"; }
# descriptors: the TCP connections sofia closes once it reads their end
for i in $(seq 150); do
	[ "$(fds)" -le "$base_fds" ] && break
	sleep 0.1
done
now_fds=$(fds)
echo "descriptors: $base_fds before, $now_fds after"
[ "$now_fds" -le "$base_fds" ] && ok descriptors || bad descriptors "$base_fds before, $now_fds after"
vty_cmd "show sip connections" | grep -E "accepted|answered here"

kill $sim 2>/dev/null
wait $sim 2>/dev/null
gw_stop
if grep -q -E "ERROR: (Address|Leak)Sanitizer|runtime error:" "$out/isupgw.log"; then
	bad sanitizer "see $out/isupgw.log"
	grep -E -A20 "ERROR: (Address|Leak)Sanitizer|runtime error:" "$out/isupgw.log" | head -60
else
	ok sanitizer
fi
echo "sip-malformed: $pass passed, $fail failed${failed:+ (failed:$failed)}"
[ $fail = 0 ]
