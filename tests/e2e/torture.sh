#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The RFC 4475 torture messages (tests/data/rfc4475, the RFC's bit-exact archive) against the running
# gateway; see torture.py for the expected handling of each. Usage: torture.sh [OUTDIR]
here=${srcdir:-.}/e2e
out=${1:-torture-out}
only=""
. "$here/e2e-lib.sh"
gw_start
python3 "$here/torture.py" "${srcdir:-.}/data/rfc4475" 127.0.0.1 $P_SIP | tee "$out/torture.txt"
[ "$(tail -1 "$out/torture.txt" | sed 's/.* \([0-9]*\) failed$/\1/')" = 0 ] && ok torture || bad torture "see $out/torture.txt"
gw_stop
echo "torture: $pass passed, $fail failed${failed:+ (failed:$failed)}"
[ $fail = 0 ]
