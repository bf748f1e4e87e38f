#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon's notifications to systemd, received by a notify socket of our own (notify-listen.py), as a
# Type=notify unit with WatchdogSec would: READY=1 (with a STATUS) once SIP and the VTY listen, WATCHDOG=1
# at half of WATCHDOG_USEC from the main loop, STOPPING=1 on SIGTERM, every message from the daemon's
# own pid (NotifyAccess=main). Skipped when the build has no libsystemd. Usage: notify.sh [OUTDIR]
here=${srcdir:-.}/install
out=${1:-notify-out}
GW=${GW:-../gateway/isupgw}
if [ "${HAVE_SYSTEMD:-no}" != yes ]; then
	echo "SKIP: built without libsystemd (configure --with-systemd, Debian libsystemd-dev)"
	exit 77
fi
rm -rf "$out"
mkdir -p "$out"
. "$here/../ports.sh"
port_block || exit 99
. "$here/install-lib.sh"

# the embedded default on test ports; nothing listens on its M3UA port: READY does not wait for the far
# end, only for our side to be set up
"$GW" --dump-default >"$out/default.cfg"
default_on_ports "$out/default.cfg" "$out/isupgw.cfg" || exit 99

# 200 ms: a ping every 100 ms
start_notified "$GW" "$out/isupgw.cfg" 200000 || exit 99

if wait_for "$out/notify.log" "^at READY:" 20; then
	if grep -q "^pid=$gw READY=1 | STATUS=links started, SIP on sip:127.0.0.1:$P_SIP\$" "$out/notify.log"; then
		ok ready
	else
		bad ready "$(grep READY "$out/notify.log")"
	fi
	grep -q "^at READY: sip listening, vty listening" "$out/notify.log" && ok ready-after-listen ||
		bad ready-after-listen "$(grep '^at READY' "$out/notify.log")"
else
	bad ready "no READY=1 (gateway log: $(tail -3 "$out/isupgw.log"))"
fi

# five pings, each from the gateway, the first after READY
n=0
for i in $(seq 100); do
	n=$(grep -c "^pid=$gw WATCHDOG=1\$" "$out/notify.log")
	[ "$n" -ge 5 ] && break
	sleep 0.1
done
first=$(grep -n "WATCHDOG=1" "$out/notify.log" | head -1 | cut -d: -f1)
ready=$(grep -n "READY=1" "$out/notify.log" | head -1 | cut -d: -f1)
if [ "$n" -ge 5 ] && [ -n "$ready" ] && [ "$first" -gt "$ready" ]; then
	ok "watchdog ($n pings)"
else
	bad watchdog "$n pings from pid $gw, first on line ${first:-none}, READY on ${ready:-none}"
fi
grep -q "systemd: watchdog every 100 ms" "$out/isupgw.log" && ok watchdog-logged ||
	bad watchdog-logged "no 'systemd: watchdog every 100 ms' in the gateway's log"

kill -TERM $gw
wait_for "$out/notify.log" "STOPPING=1" 10
wait $gw
rc=$?
if grep -q "^pid=$gw STOPPING=1" "$out/notify.log" && [ $rc = 0 ]; then
	ok stopping
else
	bad stopping "exit $rc, $(grep STOPPING "$out/notify.log")"
fi
kill $listener 2>/dev/null
wait $listener 2>/dev/null
trap - EXIT INT TERM

summary notify
