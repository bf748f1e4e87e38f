# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the test scripts: a block of 24 loopback ports that no other test run holds (20 for the test,
# 20-23 for the harness: PORT_BASE + 20 is tshark's probe port, tests/e2e/capture.sh), below Linux's
# ephemeral range (32768-60999 by default), so that a client socket's automatic port can never take a
# port a test listens on. A block is claimed by creating a directory under $TMPDIR/isupgw-test-ports
# (atomic) that records the claiming shell's pid; a block whose owner has exited is taken over. The
# range 25000-32759 leaves out the fixed ports of the unit tests (24400-24999) and of the demo.

# the local ports in use on 127.0.0.1/0.0.0.0 (TCP and UDP), in hex, one per line
ports_in_use() {
	cat /proc/net/tcp /proc/net/udp 2>/dev/null | awk 'NR > 1 { split($2, a, ":"); print a[2] }'
}

# is any port of [$1, $1 + $2) in use?
ports_busy() {
	ports_in_use | awk -v lo="$1" -v n="$2" '
		{ p = 0; for (i = 1; i <= length($1); i++) p = p * 16 + index("0123456789ABCDEF", substr($1, i, 1)) - 1
		  if (p >= lo && p < lo + n) busy = 1 }
		END { exit busy ? 0 : 1 }'
}

# port_block: sets PORT_BASE to the first port of a free block of 24
port_block() {
	locks=${TMPDIR:-/tmp}/isupgw-test-ports
	mkdir -p "$locks"
	nblk=323	# (32760 - 25000) / 24
	i=$(($$ % nblk))
	tries=0
	while [ $tries -lt $((nblk * 2)) ]; do
		tries=$((tries + 1))
		b=$((25000 + i * 24))
		if mkdir "$locks/b$b" 2>/dev/null; then
			echo $$ >"$locks/b$b/pid"
			if ! ports_busy $b 24; then
				PORT_BASE=$b
				return 0
			fi
			rm -rf "$locks/b$b"
		else
			owner=$(cat "$locks/b$b/pid" 2>/dev/null)
			if [ -n "$owner" ] && ! kill -0 "$owner" 2>/dev/null; then
				rm -rf "$locks/b$b"	# its run has ended: try the same block again
				continue
			fi
		fi
		i=$(((i + 1) % nblk))
	done
	echo "no free block of test ports in 25000-32759" >&2
	return 1
}

# wait (at most 5 s) until something listens on a port of 127.0.0.1: a call placed before SIPp has bound
# its socket fails at once (ICMP port unreachable -> 503), as it should
wait_listen() { # tcp|udp port
	hex=$(printf '%04X' "$2")
	case $1 in tcp) f=/proc/net/tcp st=0A ;; *) f=/proc/net/udp st=07 ;; esac
	for i in $(seq 50); do
		grep -q ":$hex 00000000:0000 $st" $f 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
wait_tcp_listen() { wait_listen tcp "$1"; }
wait_udp_port() { wait_listen udp "$1"; }

# seconds since boot, without starting a process
uptime_s() {
	read -r up _ </proc/uptime
	echo "${up%.*}"
}

# wait_for FILE REGEX [SECONDS]: until a line of FILE matches (default at most 30 s). Bounded by the clock,
# not by a count of tries: in the test VM (tests/vm, TCG) each try's grep takes a good part of a second.
wait_for() {
	end=$(($(uptime_s) + ${3:-30}))
	while [ "$(uptime_s)" -le $end ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "waited ${3:-30} s for '$2' in $1" >&2
	return 1
}
