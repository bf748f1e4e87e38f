#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package that `make deb` built (make check-package): its files, control data and maintainer
# scripts, lintian without an error, the packaged unit through `systemd-analyze verify`, and the packaged
# daemon started from the extracted package with the packaged configuration (its ports moved to a test
# block): READY on a notify socket, SIGTERM, a clean exit. Usage: check-package.sh DEBDIR
dir=${1:-deb}
here=${srcdir:-.}/install
. "$here/install-lib.sh"
. "$here/../ports.sh"
deb=$(ls "$dir"/isupgw_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "no isupgw_*.deb in $dir"; exit 1; }
out=$dir/check
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
echo "checking $deb ($(du -k "$deb" | cut -f1) KiB)"

# contents
dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$out/contents.txt"
for f in /usr/sbin/isupgw /usr/bin/isup-tool /usr/bin/isupgw-pstn-sim /etc/isupgw/isupgw.cfg \
	/etc/logrotate.d/isupgw /lib/systemd/system/isupgw.service /usr/lib/sysusers.d/isupgw.conf \
	/usr/share/man/man8/isupgw.8.gz /usr/share/man/man5/isupgw.cfg.5.gz /usr/share/man/man1/isup-tool.1.gz \
	/usr/share/man/man1/isupgw-pstn-sim.1.gz /usr/share/doc/isupgw/copyright; do
	grep -qx "$f" "$out/contents.txt" || bad contents "no $f in the package"
done
grep -q "^/usr/local" "$out/contents.txt" && bad contents "files under /usr/local"
[ $fail = 0 ] && ok "contents ($(grep -vc '/$' "$out/contents.txt") files)"

# control data: Depends, conffiles, the user created before the unit is handled
dpkg-deb -e "$deb" "$out/DEBIAN"
dpkg-deb -f "$deb" Depends | grep -q "adduser" && ok depends-adduser || bad depends-adduser "$(dpkg-deb -f "$deb" Depends)"
if grep -qx /etc/isupgw/isupgw.cfg "$out/DEBIAN/conffiles" && grep -qx /etc/logrotate.d/isupgw "$out/DEBIAN/conffiles"; then
	ok conffiles
else
	bad conffiles "$(cat "$out/DEBIAN/conffiles")"
fi
if grep -q "adduser --system --group" "$out/DEBIAN/postinst" && grep -q "dpkg-statoverride" "$out/DEBIAN/postinst" &&
	grep -q "deb-systemd-helper" "$out/DEBIAN/postinst"; then
	ok postinst
else
	bad postinst "no adduser, statoverride or unit handling in postinst"
fi

# lintian: no error (warnings and notes are listed)
if command -v lintian >/dev/null 2>&1; then
	lintian --fail-on error "$deb" >"$out/lintian.txt" 2>&1
	rc=$?
	sed 's/^/  /' "$out/lintian.txt"
	[ $rc = 0 ] && ok "lintian ($(grep -c '^W:' "$out/lintian.txt") warnings, $(grep -c '^[IP]:' "$out/lintian.txt") notes)" ||
		bad lintian "$(grep -c '^E:' "$out/lintian.txt") errors"
fi

# the extracted package
root=$out/root
dpkg-deb -x "$deb" "$root"
bin=$root/usr/sbin/isupgw
cfg=$root/etc/isupgw/isupgw.cfg
"$bin" -c "$cfg" --check >"$out/check.txt" 2>&1 && ok config-check || bad config-check "$(cat "$out/check.txt")"
if command -v systemd-analyze >/dev/null 2>&1; then
	sed "s|^ExecStart=/usr/sbin/isupgw|ExecStart=$bin|" "$root/lib/systemd/system/isupgw.service" >"$out/isupgw.service"
	if MANPATH=$root/usr/share/man systemd-analyze verify "$out/isupgw.service" >"$out/verify.txt" 2>&1 &&
		[ ! -s "$out/verify.txt" ]; then
		ok unit-verify
	else
		bad unit-verify "$(cat "$out/verify.txt")"
	fi
fi

# the packaged daemon with the packaged configuration, on test ports, as systemd would start it
port_block || exit 99
default_on_ports "$cfg" "$out/isupgw.cfg" || exit 99
start_notified "$root/usr/sbin/isupgw" "$out/isupgw.cfg" 2000000 || exit 99
if wait_for "$out/notify.log" "^at READY:" 20 && grep -q "^at READY: sip listening, vty listening" "$out/notify.log"; then
	ok daemon-ready
else
	bad daemon-ready "$(cat "$out/notify.log"; tail -5 "$out/isupgw.log")"
fi
kill -TERM $gw
wait $gw
rc=$?
[ $rc = 0 ] && grep -q "isupgw stopped" "$out/isupgw.log" && ok daemon-stop || bad daemon-stop "exit $rc"
kill $listener 2>/dev/null
trap - EXIT INT TERM

summary check-package
