#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Goodput under overload (docs/PERFORMANCE.md, Overload): pstn-sim offers IAMs over M3UA at a rate, isupgw
# turns them into INVITEs to a SIPp UAS (180, 200), pstn-sim releases each call when answered.
#   1. the clean maximum: the highest of the rates swept (admission control off) at which every call
#      completes and IAM->ACM p99 stays under 100 ms;
#   2. 1.5x and 2x that rate with admission control on (the default) and, for comparison, 2x with it off.
# pstn-sim ignores the ACL of the RELs it gets ("acc off"), so the offered rate stays what it is, as from a
# switch without automatic congestion control.
# Figures per run: answered, refused (REL cause 42) and lost (any other failure: an admitted call that did
# not complete), goodput (answered per second from the first IAM to the last answer), its share of the
# clean maximum, how fast refusals came (IAM->REL) and IAM->ACM of the admitted calls.
# Usage: gw-overload.sh [CLEAN-RATE]   (no rate: sweep 2000 3000 4000 5000 6000 to find it)
# Run from the build's tests directory (GW= SIM= to point elsewhere). SECS= seconds of offered load per run;
# OVL_DEBUG=1 logs the controller's ticks.
GW=${GW:-../gateway/isupgw}
SIM=${SIM:-./sim/pstn-sim}
SECS=${SECS:-8}
out=${OUT:-gw-overload-out}
mkdir -p "$out"
. "$(cd "$(dirname "$0")/.." && pwd)/ports.sh"
port_block || exit 99
base=$PORT_BASE
P_M3UA=$base; P_SIP=$((base + 1)); P_UAS=$((base + 2)); P_VTY=$((base + 3))

. "$(dirname "$0")/gw-bench-lib.sh"

# UDP receive-queue drops of the socket bound to a local port (/proc/net/udp's last column)
drops_on() {
	awk -v p="$(printf '%04X' "$1")" 'NR > 1 { split($2, a, ":"); if (a[2] == p) d += $NF } END { print d + 0 }' /proc/net/udp
}

# run RATE enable|disable -> prints one result line, keeps the figures in $out/last
run() {
	rate=$1
	n=$((rate * SECS))
	gw_bench_cfg "overload $2" >"$out/isupgw.cfg"
	# OVL_DEBUG=1: the controller's every tick in isupgw-RATE-MODE.log
	[ -n "$OVL_DEBUG" ] && sed -i 's/^ logging level set-all error$/&\n logging level overload debug/' "$out/isupgw.cfg"
	timeout -k 2 120 sipp -sn uas -i 127.0.0.1 -p $P_UAS -buff_size 4194304 >/dev/null 2>&1 &
	uas=$!
	"$GW" -c "$out/isupgw.cfg" >"$out/isupgw-$rate-$2.log" 2>&1 &
	gw=$!
	sleep 1
	dg0=$(drops_on $P_SIP)
	du0=$(drops_on $P_UAS)
	printf 'expect signalling 20\nacc off\nwait 1\nload %s %s\nexpect LOAD 150\nquit\n' "$rate" "$n" >"$out/load.script"
	"$SIM" --name L --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --cics 1-4000 --script "$out/load.script" \
		--timeout 180 >"$out/load-$rate-$2.out" 2>&1
	drops="gw-drops=$(($(drops_on $P_SIP) - dg0)) sipp-drops=$(($(drops_on $P_UAS) - du0))"
	ovl=$( (printf 'show gateway overload\r\n'; sleep 0.5) | timeout 3 nc 127.0.0.1 $P_VTY 2>/dev/null | tr -d '\r' |
		grep -E 'onset|refused:load' | awk '{printf "%s=%s ", $1, $2}')
	kill -TERM $gw 2>/dev/null
	wait $gw 2>/dev/null
	kill $uas 2>/dev/null
	wait $uas 2>/dev/null
	l=$(grep " load: " "$out/load-$rate-$2.out")
	ok=$(echo "$l" | sed -n 's/.* \([0-9]*\) answered.*/\1/p')
	failed=$(echo "$l" | sed -n 's/.* \([0-9]*\) failed,.*/\1/p')
	rejected=$(echo "$l" | sed -n 's/.* \([0-9]*\) rejected,.*/\1/p')
	refused=$(echo "$l" | sed -n 's/.* \([0-9]*\) refused (cause 42).*/\1/p')
	cps=$(echo "$l" | sed -n 's/.* \([0-9.]*\) calls\/s.*/\1/p')
	acm99=$(echo "$l" | sed -n 's/.*IAM->ACM p50 [0-9.]* ms p99 \([0-9.]*\) ms.*/\1/p')
	ref50=$(echo "$l" | sed -n 's/.*IAM->REL p50 \([0-9.]*\) ms p99.*/\1/p')
	ref99=$(echo "$l" | sed -n 's/.*IAM->REL p50 [0-9.]* ms p99 \([0-9.]*\) ms.*/\1/p')
	lost=$(( ${failed:-0} - ${refused:-0} + ${rejected:-0} ))
	[ -n "$ok" ] || { ok=0; lost=$n; }
	echo "$ok $lost ${cps:-0} ${acm99:-999999}" >"$out/last"
	share=$([ -n "$clean" ] && echo "${cps:-0} $clean" | awk '{printf "%.0f %%", 100 * $1 / $2}' || echo "-")
	printf '%-22s %7s %7s %7s %6s %9s %7s %10s %10s %10s  %s\n' "$rate/s overload $2" "$n" "$ok" "${refused:-0}" "$lost" \
		"${cps:-0}" "$share" "${ref50:--}" "${ref99:--}" "${acm99:--}" "$drops $ovl"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r)"
printf '%-22s %7s %7s %7s %6s %9s %7s %10s %10s %10s\n' "offered" "calls" "answer" "refused" "lost" "goodput/s" \
	"of max" "REL p50 ms" "REL p99 ms" "ACM p99 ms"
clean=
if [ -n "$1" ]; then
	clean_rate=$1
	run "$clean_rate" disable
	clean=$(awk '{print $3}' "$out/last")
else
	for rate in 2000 3000 4000 5000 6000; do
		run "$rate" disable
		read -r ok lost cps acm99 <"$out/last"
		if [ "$lost" -gt 0 ] || [ "$(echo "$acm99" | awk '{print ($1 >= 100)}')" = 1 ]; then
			break
		fi
		clean_rate=$rate
		clean=$cps
	done
fi
[ -n "$clean" ] || { echo "no clean rate found"; exit 1; }
echo "clean maximum: $clean_rate/s offered, $clean calls/s completed"
run $((clean_rate * 3 / 2)) enable
run $((clean_rate * 2)) enable
run $((clean_rate * 2)) disable
echo "(goodput: answered calls per second from the first IAM to the last answer; lost: admitted calls that failed"
echo " and calls pstn-sim could not place; REL: how fast a refused IAM got its REL cause 42; ACM p99: the admitted calls)"
