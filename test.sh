#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install dependencies, build, and run every test: the normal build, an ASan/UBSan build,
# `make distcheck` (the tarball builds and passes its own tests), and `make check-package` (the Debian
# package builds, lintian has no error, the packaged daemon starts).
set -e
cd "$(dirname "$0")"
sh tests/deps.sh
autoreconf -fi >/dev/null
jobs=$(nproc 2>/dev/null || echo 2)

show_logs() {
	for f in $(find "$1" -name '*.log' -path '*tests*' ! -name 'config.log'); do
		echo "==== $f"; tail -80 "$f"
	done
}

echo "==== build and test (gcc, -Werror)"
mkdir -p build/normal && cd build/normal
../../configure -q --enable-werror
make -s -j"$jobs"
make -s check-format
make -s check -j"$jobs" || { show_logs .; exit 1; }
for log in tests/unit/*.log tests/oracle/*.log; do
	[ -f "$log" ] || continue
	echo "---- $log"
	grep -E "^ *(Suite:|Test:.*FAILED|oracle:)" "$log" || true
	sed -n '/Run Summary/,/Elapsed/p' "$log"
done
grep -h -E "fuzz replay|libFuzzer|number_of_executed" tests/fuzz/*.log || true
# totals over every CUnit run, as one closing line
cunit_pass=$(cat tests/unit/*.log tests/oracle/*.log | awk '$1=="tests" {p+=$4} END {print p+0}')
cunit_fail=$(cat tests/unit/*.log tests/oracle/*.log | awk '$1=="tests" {f+=$5} END {print f+0}')
cd ../..

echo "==== build and test with AddressSanitizer + UBSan"
mkdir -p build/sanitize && cd build/sanitize
../../configure -q --enable-werror --enable-sanitize
make -s -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 make -s check -j"$jobs" || { show_logs .; exit 1; }
cd ../..

echo "==== make distcheck"
cd build/normal
make -s distcheck >distcheck.log 2>&1 || { tail -100 distcheck.log; exit 1; }
grep -E "archives ready|\.tar\.gz" distcheck.log | head -3
cd ../..
echo "==== the Debian package (make check-package)"
cd build/normal
make -s check-package >check-package.log 2>&1 || { tail -60 check-package.log; exit 1; }
grep -E "^(checking|PASS|FAIL)|^check-package:" check-package.log
cd ../..
echo "==== all tests passed"
echo "CUnit: $cunit_pass passed, $cunit_fail failed"
