#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The long run of the gateway's receive-path fuzz targets (docs/testing.md): each target in turn for
# SECONDS (default 600), one process at a time, its corpus kept in fuzz/long-NAME of the build's tests
# directory so that the next run goes on from it. Prints the executions of each run; any finding stops the
# script with the target's log and leaves the input as fuzz/crash-*, leak-*, oom-* or timeout-*.
# Run from the build's tests directory after `make fuzz`:  sh ../../tests/fuzz/fuzz-long.sh 3600 [NAME...]
set -e
secs=${1:-600}
[ $# -gt 0 ] && shift
srcdir=${srcdir:-$(dirname "$0")/..}
names=${*:-"sdp sipt_body m3ua mtp2 rtp gw_call"}
for name in $names; do
	bin=./fuzz/fuzz_$name
	[ -x "$bin" ] || { echo "$bin missing: make fuzz first"; exit 1; }
	mkdir -p "fuzz/long-$name"
	log=fuzz/long-$name.log
	start=$(date +%s)
	"$bin" -artifact_prefix=fuzz/ -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		"fuzz/long-$name" "$srcdir/fuzz/corpus-$name" >"$log" 2>&1 || { tail -60 "$log"; exit 1; }
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	echo "fuzz_$name: $runs executions in $(($(date +%s) - start)) s, no finding ($(ls "fuzz/long-$name" | wc -l) corpus files)"
done
