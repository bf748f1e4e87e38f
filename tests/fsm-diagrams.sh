#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The state diagrams in docs/ must match the FSM tables in the code (make update-diagrams rewrites them).
fail=0
# FSM name:diagram file
for pair in isup_call:isup_call isup_cic:isup_cic call:gw_call overlap:gw_overlap; do
	fsm=${pair%%:*}
	file=${pair#*:}
	./fsm2dot $fsm > "$file.dot.now" || exit 1
	if ! cmp -s "$file.dot.now" "$srcdir/../docs/$file.dot"; then
		echo "docs/$file.dot is out of date with the code:"
		diff -u "$srcdir/../docs/$file.dot" "$file.dot.now"
		fail=1
	fi
	rm -f "$file.dot.now"
done
[ $fail = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
