#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Complete calls per second through isupgw, and in the same run the reference of ../shared/BENCHMARKS.md:
# SIPp -> Kamailio (tm + dialog) -> SIPp.
#   gateway:   pstn-sim "load RATE COUNT": IAM -> isupgw -> INVITE -> SIPp uas 180/200 -> ACM/ANM ->
#              REL -> BYE -> RLC; pstn-sim reports failed calls and IAM->ACM / IAM->ANM percentiles
#              (IAM->ACM bounds the translation latency: it holds IAM->INVITE, SIPp's 180 and 180->ACM).
#   reference: SIPp uac -> Kamailio -> SIPp uas at the same rate and count.
#   isupgw + CDR: the same run with a CDR file (CSV, every field): its CPU per call beside the first's is
#              what a CDR costs.
# CPU per call is the process's own (utime+stime from /proc/PID/stat, all Kamailio processes summed).
# Usage: gw-bench.sh [RATE...]   (default 1000 2000 3000; 4000 calls per rate, at least 4 s)
GW=${GW:-../gateway/isupgw}
SIM=${SIM:-./sim/pstn-sim}
KCFG=${KCFG:-}
out=${OUT:-gw-bench-out}
rates=${*:-1000 2000 3000}
mkdir -p "$out"
hz=$(getconf CLK_TCK)
. "$(cd "$(dirname "$0")/.." && pwd)/ports.sh"
port_block || exit 99
base=$PORT_BASE
P_M3UA=$base; P_SIP=$((base + 1)); P_UAS=$((base + 2)); P_VTY=$((base + 3)); P_KAM=$((base + 4)); P_UAC=$((base + 5))

cpu_of() { # pids... -> clock ticks
	t=0
	for p in "$@"; do
		[ -r /proc/$p/stat ] && t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat)))
	done
	echo $t
}
udp_drops() { awk 'NR > 1 {d += $NF} END {print d + 0}' /proc/net/udp; }

. "$(dirname "$0")/gw-bench-lib.sh"
gw_bench_cfg >"$out/isupgw.cfg"
{
	cat "$out/isupgw.cfg"
	printf 'cdr\n file %s/cdr.csv\n format csv\n fields all\n' "$out"
} >"$out/isupgw-cdr.cfg"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r)"
printf '%-28s %6s %6s %6s %9s %9s %11s %11s %6s\n' "run" "calls" "ok" "failed" "calls/s" "CPU us/c" "IAM-ACM p50" "p99" "drops"
for rate in $rates; do
	n=$((rate * 4))
	[ $n -lt 4000 ] && n=4000
	# ---- isupgw, then the same with CDRs written (CSV, every field)
	for run in isupgw "isupgw + CDR"; do
		cfg="$out/isupgw.cfg"
		[ "$run" = isupgw ] || cfg="$out/isupgw-cdr.cfg"
		rm -f "$out"/cdr.csv*
		timeout -k 2 120 sipp -sn uas -i 127.0.0.1 -p $P_UAS -buff_size 1048576 >/dev/null 2>&1 &
		uas=$!
		"$GW" -c "$cfg" >"$out/isupgw.log" 2>&1 &
		gw=$!
		sleep 1
		d0=$(udp_drops)
		c0=$(cpu_of $gw)
		printf 'expect signalling 20\nwait 1\nload %s %s\nexpect LOAD 120\nquit\n' "$rate" "$n" >"$out/load.script"
		"$SIM" --name L --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --cics 1-4000 --script "$out/load.script" \
			--timeout 150 >"$out/load-$rate.out" 2>&1
		c1=$(cpu_of $gw)
		d1=$(udp_drops)
		kill -TERM $gw 2>/dev/null
		wait $gw 2>/dev/null
		kill $uas 2>/dev/null
		wait $uas 2>/dev/null
		l=$(grep " load: " "$out/load-$rate.out")
		ok=$(echo "$l" | sed -n 's/.* \([0-9]*\) answered.*/\1/p')
		failed=$(echo "$l" | sed -n 's/.* \([0-9]*\) failed, \([0-9]*\) rejected.*/\1+\2/p')
		cps=$(echo "$l" | sed -n 's/.* \([0-9.]*\) calls\/s.*/\1/p')
		p50=$(echo "$l" | sed -n 's/.*IAM->ACM p50 \([0-9.]*\) ms p99 \([0-9.]*\) ms.*/\1/p')
		p99=$(echo "$l" | sed -n 's/.*IAM->ACM p50 \([0-9.]*\) ms p99 \([0-9.]*\) ms.*/\2/p')
		us=$([ -n "$ok" ] && [ "$ok" -gt 0 ] && echo $(((c1 - c0) * 1000000 / hz / ok)) || echo -)
		printf '%-28s %6s %6s %6s %9s %9s %9s ms %8s ms %4s\n' "$run @ $rate/s" "$n" "${ok:-0}" "${failed:-?}" \
			"${cps:-0}" "$us" "${p50:--}" "${p99:--}" "$((d1 - d0))"
		echo "$run $rate $n ${ok:-0} ${failed:-?} ${cps:-0} $us ${p50:--} ${p99:--}" | sed 's/isupgw + CDR/isupgw+cdr/' >>"$out/results"
		[ "$run" = isupgw ] || echo "  (CDR records written: $(($(cat "$out"/cdr.csv* 2>/dev/null | wc -l) - 1)))"
	done

	# ---- the reference: SIPp -> Kamailio -> SIPp
	if [ -n "$KCFG" ] && command -v kamailio >/dev/null 2>&1; then
		sed -e "s/127.0.0.1:5080/127.0.0.1:$P_KAM/; s/127.0.0.1:5070/127.0.0.1:$P_UAS/g" "$KCFG" >"$out/kamailio.cfg"
		timeout -k 2 120 sipp -sn uas -i 127.0.0.1 -p $P_UAS -buff_size 1048576 >/dev/null 2>&1 &
		uas=$!
		kamailio -f "$out/kamailio.cfg" -DD -E -x tlsf -m 4096 -M 8 -n 4 >"$out/kamailio.log" 2>&1 &
		kam=$!
		sleep 1.5
		kpids=$(pgrep -P $kam | tr '\n' ' ')
		d0=$(udp_drops)
		c0=$(cpu_of $kam $kpids)
		t0=$(date +%s.%N)
		timeout -k 2 120 sipp -sn uac -i 127.0.0.1 -p $P_UAC -r "$rate" -m "$n" -d 0 -buff_size 1048576 \
			-default_behaviors all,-abortunexp -timeout 100 -trace_stat -stf "$out/uac-$rate.csv" \
			127.0.0.1:$P_KAM >"$out/uac-$rate.out" 2>&1
		t1=$(date +%s.%N)
		c1=$(cpu_of $kam $kpids)
		d1=$(udp_drops)
		kill $kam 2>/dev/null
		wait $kam 2>/dev/null
		kill $uas 2>/dev/null
		wait $uas 2>/dev/null
		last=$(tail -1 "$out/uac-$rate.csv")
		ok=$(echo "$last" | awk -F';' '{print $16}')
		failed=$(echo "$last" | awk -F';' '{print $18}')
		cps=$(echo "$t0 $t1 ${ok:-0}" | awk '{printf "%.1f", $3 / ($2 - $1)}')
		us=$([ -n "$ok" ] && [ "$ok" -gt 0 ] && echo $(((c1 - c0) * 1000000 / hz / ok)) || echo -)
		printf '%-28s %6s %6s %6s %9s %9s %11s %11s %6s\n' "kamailio ref @ $rate/s" "$n" "${ok:-0}" "${failed:-?}" \
			"$cps" "$us" "-" "-" "$((d1 - d0))"
		echo "kamailio $rate $n ${ok:-0} ${failed:-?} $cps $us" >>"$out/results"
	fi
done
echo "(calls/s: completed calls over the time from the first IAM to the last answer for isupgw, over SIPp's"
echo " whole run for the reference; drops: UDP receive-buffer drops on the machine during the run)"
