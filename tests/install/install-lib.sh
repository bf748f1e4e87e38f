# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the scripts of tests/install (sourced): pass/fail bookkeeping, and the installed or embedded
# default configuration moved onto a block of test ports.
pass=0
fail=0
failed=""
ok() { pass=$((pass + 1)); echo "PASS: $1"; }
bad() { fail=$((fail + 1)); failed="$failed $1"; echo "FAIL: $1: $2"; }
summary() { # name
	echo "$1: $pass passed, $fail failed${failed:+ (failed:$failed)}"
	[ $fail = 0 ]
}

# default_on_ports IN OUT: the default configuration (as isupgw --dump-default prints it) with its VTY, SIP,
# M3UA, span and CTRL ports taken from the block at PORT_BASE (tests/ports.sh) instead of the fixed ones of
# the demo, the call category at info. Sets P_SIP, P_VTY, P_M3UA.
default_on_ports() {
	P_SIP=$PORT_BASE; P_VTY=$((PORT_BASE + 1)); P_M3UA=$((PORT_BASE + 2))
	sed -e "s|^ bind 127.0.0.1\$| bind 127.0.0.1 $P_VTY|" \
		-e "s|^ local sip:127.0.0.1:5060\$| local sip:127.0.0.1:$P_SIP|" \
		-e "s|^ asp pstn0 as pstn remote 127.0.0.1 2905 tcp\$| asp pstn0 as pstn remote 127.0.0.1 $P_M3UA tcp|" \
		-e "s|^ span 0 e1 alaw udp local 127.0.0.1 5100 remote 127.0.0.1 5101\$| span 0 e1 alaw udp local 127.0.0.1 $((PORT_BASE + 3)) remote 127.0.0.1 $((PORT_BASE + 4))|" \
		-e "s|^ logging level set-all notice\$|&\\
 logging level call info|" -e "s|^gateway\$|&\\
 ctrl-interface 127.0.0.1 $((PORT_BASE + 5))|" "$1" >"$2"
	# every port moved: a default that changes must change this too
	for p in "bind 127.0.0.1 $P_VTY" "sip:127.0.0.1:$P_SIP" "127.0.0.1 $P_M3UA tcp" "local 127.0.0.1 $((PORT_BASE + 3))" \
		"ctrl-interface 127.0.0.1 $((PORT_BASE + 5))"; do
		grep -q "$p" "$2" || { echo "default_on_ports: '$p' not set in $2" >&2; return 1; }
	done
}

# start_notified GW CFG WATCHDOG_USEC: a notify socket (notify-listen.py, logging to $out/notify.log), then
# the gateway on CFG with NOTIFY_SOCKET and WATCHDOG_USEC set, as systemd starts a Type=notify unit. Sets
# listener and gw (their pids). Needs here, out, PORT_BASE, P_SIP and P_VTY.
start_notified() {
	sock="@isupgw-notify-$PORT_BASE-$$"
	python3 "$here/notify-listen.py" "$sock" "$out/notify.log" $P_SIP $P_VTY &
	listener=$!
	trap 'kill $listener $gw 2>/dev/null' EXIT INT TERM
	wait_for "$out/notify.log" "^listening" 10 || return 1
	NOTIFY_SOCKET=$sock WATCHDOG_USEC=$3 "$1" -c "$2" >"$out/isupgw.log" 2>&1 &
	gw=$!
}
