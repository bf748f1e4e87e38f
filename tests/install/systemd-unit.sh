#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The service files as built: `systemd-analyze verify` passes on the unit (pointed at the built binary
# and man pages, the installed paths are install-tree.sh's to check), its hardening stays at an exposure
# of 2.5 or less (`systemd-analyze security --offline`), it is a notify unit with a watchdog, its own
# user and directories and CAP_NET_BIND_SERVICE alone; the sysusers.d entry creates that user
# (systemd-sysusers --root) and logrotate reads the snippet. Usage: systemd-unit.sh [OUTDIR]
out=${1:-unit-out}
top=${top_builddir:?}
src=${srcdir:-.}/..
. "${srcdir:-.}/install/install-lib.sh"
GW=${GW:-$top/gateway/isupgw}
unit=$top/contrib/systemd/isupgw.service
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "SKIP: systemd-analyze (Debian systemd) not installed"
	exit 77
fi
rm -rf "$out"
mkdir -p "$out/man/man5" "$out/man/man8" "$out/root/etc"
out=$(cd "$out" && pwd)
gw=$(cd "$(dirname "$GW")" && pwd)/$(basename "$GW")


# verify: the binary must exist and the Documentation= pages must be found by man
sed "s|^ExecStart=[^ ]*|ExecStart=$gw|" "$unit" >"$out/isupgw.service"
cp "$top/docs/man/isupgw.8" "$out/man/man8/"
cp "$top/docs/man/isupgw.cfg.5" "$out/man/man5/"
if MANPATH=$out/man systemd-analyze verify "$out/isupgw.service" >"$out/verify.txt" 2>&1 && [ ! -s "$out/verify.txt" ]; then
	ok verify
else
	bad verify "$(cat "$out/verify.txt")"
fi
systemd-analyze security --offline=yes --threshold=25 "$out/isupgw.service" >"$out/security.txt" 2>&1
rc=$?
exposure=$(grep -o "Overall exposure level for isupgw.service: [0-9.]*" "$out/security.txt" | grep -o "[0-9.]*$")
[ $rc = 0 ] && [ -n "$exposure" ] && ok "security (exposure $exposure)" || bad security "exposure ${exposure:-?} over 2.5"

for d in Type=notify WatchdogSec=30 NotifyAccess=main User=isupgw Group=isupgw StateDirectory=isupgw \
	LogsDirectory=isupgw AmbientCapabilities=CAP_NET_BIND_SERVICE CapabilityBoundingSet=CAP_NET_BIND_SERVICE \
	NoNewPrivileges=yes ProtectSystem=strict; do
	grep -qx "$d" "$unit" || bad "unit-$d" "not in the unit"
done
[ "$(grep -c '^\(Ambient\|CapabilityBounding\)' "$unit")" = 2 ] && ok unit-directives ||
	bad unit-directives "capabilities set more than once"

if systemd-sysusers --root="$out/root" "$src/contrib/isupgw.sysusers" >"$out/sysusers.txt" 2>&1 &&
	grep -q "^isupgw:x:[0-9]*:[0-9]*:.*:/var/lib/isupgw:" "$out/root/etc/passwd"; then
	ok sysusers
else
	bad sysusers "$(cat "$out/sysusers.txt")"
fi

if command -v logrotate >/dev/null 2>&1; then
	if logrotate -d -s "$out/logrotate.state" "$src/contrib/isupgw.logrotate" >"$out/logrotate.txt" 2>&1 &&
		grep -q "/var/log/isupgw/\*.log" "$out/logrotate.txt" && ! grep -qi "error" "$out/logrotate.txt"; then
		ok logrotate
	else
		bad logrotate "$(cat "$out/logrotate.txt")"
	fi
fi

summary systemd-unit
