#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make check's kernel SCTP tests: one VM boot (tests/vm/vm.sh) runs every scenario (tests/vm/guest.sh,
# one tests/vm/NAME.sh each), then each scenario's tests/vm/NAME-check.sh checks on the host what it
# captured. A scenario is one more script in VM_SCENARIOS. Costs about a minute: see docs/ss7-transport.md.
#   sctp.sh [OUTDIR]     (VM_SCENARIOS="m3ua-stp ..." to choose)
here=$(cd "${srcdir:-.}/vm" && pwd)
out=${1:-vm-out}
if [ "${VM_TESTS:-yes}" != yes ]; then
	echo "SKIP: the VM tests are off in this build (configure --disable-vm-tests: the sanitizer build and"
	echo "      make distcheck turn them off to keep CI within its time; the normal build runs them)"
	exit 77
fi
scenarios=${VM_SCENARIOS:-m3ua-stp}
rm -rf "$out"
mkdir -p "$out"
srcdir=$(cd "${srcdir:-.}" && pwd)
export srcdir
VM_ENV="srcdir top_builddir GW SIM VM_LO_ADDRS VM_SCENARIO_TIMEOUT" sh "$here/vm.sh" "$out" "$here/guest.sh" \
	"$out" $scenarios
rc=$?
[ $rc = 77 ] && exit 77
grep -E "^(vm-init|vm-scenario|PASS|FAIL|SKIP)" "$out/console.log"
for s in $scenarios; do
	if [ -f "$here/$s-check.sh" ] && [ -d "$out/$s" ]; then
		sh "$here/$s-check.sh" "$out/$s" || rc=1
	fi
done
for s in $scenarios; do
	grep -q "^FAIL" "$out/$s.log" 2>/dev/null && { echo "==== $out/$s.log"; tail -40 "$out/$s.log"; }
done
[ $rc = 0 ] && echo "vm: all scenarios passed" || echo "vm: FAILED (logs in $out)"
exit $rc
