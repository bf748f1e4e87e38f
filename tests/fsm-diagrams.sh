#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The state diagrams in docs/ must match the FSM tables in the code (make update-diagrams rewrites them).
fail=0
for fsm in isup_call isup_cic; do
	./fsm2dot $fsm > "$fsm.dot.now" || exit 1
	if ! cmp -s "$fsm.dot.now" "$srcdir/../docs/$fsm.dot"; then
		echo "docs/$fsm.dot is out of date with the code:"
		diff -u "$srcdir/../docs/$fsm.dot" "$fsm.dot.now"
		fail=1
	fi
	rm -f "$fsm.dot.now"
done
[ $fail = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
