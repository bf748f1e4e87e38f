#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Inside the test VM (tests/vm/vm.sh): loads SCTP, brings loopback up, then runs each scenario
# (tests/vm/NAME.sh OUTDIR) one after the other in this one boot, each with its own output directory
# OUT/NAME and at most VM_SCENARIO_TIMEOUT seconds (default 200). Prints "vm-scenario NAME: rc N" for
# each; exits 0 when every scenario passed or skipped.
#   guest.sh OUT NAME...
out=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
modprobe sctp || { echo "guest: modprobe sctp failed"; exit 1; }
ip link set lo up
# more loopback addresses for scenarios that need several local ones (VM_LO_ADDRS="127.0.0.2 ...")
for a in $VM_LO_ADDRS; do
	ip addr add "$a/8" dev lo
done
rc=0
for name in "$@"; do
	t0=$(cut -d' ' -f1 /proc/uptime)
	timeout -k 5 "${VM_SCENARIO_TIMEOUT:-200}" sh "$here/$name.sh" "$out/$name" >"$out/$name.log" 2>&1
	r=$?
	echo "vm-scenario $name: rc $r, $t0 -> $(cut -d' ' -f1 /proc/uptime) s"
	grep -E "^(PASS|FAIL|SKIP)" "$out/$name.log"
	[ $r = 0 ] || [ $r = 77 ] || rc=1
done
exit $rc
