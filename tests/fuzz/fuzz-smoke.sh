#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Short fuzzing run for `make check`: the gcc-built replayer always, libFuzzer when clang has it.
set -e
corpus="$srcdir/fuzz/corpus"
./fuzz/fuzz_isup_replay -runs=200000 "$corpus"/* || exit 1
# call control: message sequences into a live trunk, no crash, leak or stuck circuit
./fuzz/fuzz_isup_cc_replay -runs=20000 "$srcdir/fuzz/corpus-cc"/* || exit 1

# The gateway's receive paths: NAME REPLAY-MUTATIONS LIBFUZZER-SECONDS. The mutation counts keep each
# replay near a second in the sanitizer build; the libFuzzer seconds add up to 18 (fuzz-long.sh runs them
# for longer).
GW_TARGETS="sdp 20000 3
sipt_body 20000 3
m3ua 10000 3
mtp2 10000 3
rtp 5000 3
gw_call 10000 3"

echo "$GW_TARGETS" | while read -r name runs secs; do
	./fuzz/fuzz_${name}_replay -runs="$runs" "$srcdir/fuzz/corpus-$name"/* || exit 1
done

if [ "$HAVE_LIBFUZZER" = yes ] && [ -x ./fuzz/fuzz_isup ]; then
	work=fuzz/corpus-work
	rm -rf "$work"; mkdir -p "$work"
	./fuzz/fuzz_isup -artifact_prefix=fuzz/ -max_total_time=30 -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
		"$work" "$corpus" 2>fuzz/fuzz_isup.log || { tail -50 fuzz/fuzz_isup.log; exit 1; }
	grep -E "stat::number_of_executed_units|stat::peak_rss_mb" fuzz/fuzz_isup.log
	mkdir -p fuzz/corpus-cc-work
	./fuzz/fuzz_isup_cc -artifact_prefix=fuzz/ -max_total_time=20 -timeout=10 -rss_limit_mb=1024 \
		-print_final_stats=1 fuzz/corpus-cc-work "$srcdir/fuzz/corpus-cc" 2>fuzz/fuzz_isup_cc.log ||
		{ tail -50 fuzz/fuzz_isup_cc.log; exit 1; }
	grep -E "stat::number_of_executed_units" fuzz/fuzz_isup_cc.log
	echo "$GW_TARGETS" | while read -r name runs secs; do
		work=fuzz/work-$name
		rm -rf "$work"; mkdir -p "$work"
		./fuzz/fuzz_$name -artifact_prefix=fuzz/ -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
			-print_final_stats=1 "$work" "$srcdir/fuzz/corpus-$name" 2>fuzz/fuzz_$name.log ||
			{ tail -50 fuzz/fuzz_$name.log; exit 1; }
		echo "fuzz_$name: $(sed -n "s/^stat::number_of_executed_units: *//p" fuzz/fuzz_$name.log) executions"
	done
	echo "libFuzzer smoke runs: no crash"
else
	echo "libFuzzer not available (clang missing): replay only"
fi
echo "1 passed, 0 failed"
