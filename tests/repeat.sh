#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs tests again and again and counts how often each passes: the check to run before resolving an issue
# that touches tests (a suite that is red on a bad draw blocks everyone).
#
# Usage: tests/repeat.sh [-l] [-b BUILDDIR] N [TEST...]
#   -l           with two busy loops on the cores while the tests run (a loaded CI machine)
#   -b BUILDDIR  a configured and built tree (default build/normal; build/sanitize for the ASan build)
#   TEST         as in the tests' Makefile (e2e/media-e2e.sh, unit/test_isup_cc ...); default: every
#                end-to-end and simulation script
# The log of every failed run is kept as repeat-out/TEST.RUN.log in the build's tests directory.
# Prints one line per test, "TEST: P/N passed", and exits 0 only when every run passed.
set -u
load=0
build=build/normal
while getopts lb: o; do
	case $o in
	l) load=1 ;;
	b) build=$OPTARG ;;
	*) echo "usage: $0 [-l] [-b BUILDDIR] N [TEST...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-l] [-b BUILDDIR] N [TEST...]" >&2; exit 2; }
n=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
[ -f "$build/tests/Makefile" ] || { echo "$build is not a configured build tree" >&2; exit 2; }
tests=${*:-sim/two-exchanges.sh sim/two-exchanges-mtp2.sh e2e/gw-e2e.sh e2e/cause-tables.sh e2e/sipt-gw2gw.sh
	e2e/sipt-gw2gw-tls.sh e2e/session-timer.sh e2e/media-e2e.sh e2e/kamailio-sipt.sh e2e/torture.sh}
cd "$build/tests"
make -s >/dev/null || { echo "the build failed" >&2; exit 2; }
mkdir -p repeat-out
busy=""
if [ $load = 1 ]; then
	for i in 1 2; do
		sh -c 'while :; do :; done' &
		busy="$busy $!"
	done
fi
trap '[ -n "$busy" ] && kill $busy 2>/dev/null' EXIT
trap 'exit 130' INT TERM
res=$(mktemp)
start=$(date +%s)
for i in $(seq "$n"); do
	for t in $tests; do
		if make -s check TESTS="$t" >/dev/null 2>&1; then
			echo "$t pass" >>"$res"
		else
			echo "$t fail" >>"$res"
			cp "$t.log" "repeat-out/$(echo "$t" | tr / _).$i.log" 2>/dev/null
			echo "run $i: FAIL $t (log in $build/tests/repeat-out)" >&2
		fi
	done
done
allok=0
echo "repeat: $n runs$([ $load = 1 ] && echo ', two busy loops on the cores'), $(basename "$build") build, $(($(date +%s) - start)) s"
for t in $tests; do
	p=$(grep -c "^$t pass" "$res")
	echo "$t: $p/$n passed"
	[ "$p" = "$n" ] || allok=1
done
rm -f "$res"
exit $allok
