#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make install into a DESTDIR lays out exactly the expected files (binaries, example configuration, unit,
# sysusers.d entry, logrotate snippet, man pages) with the installed paths filled in; the installed
# binaries run (--help), the installed configuration and each of its commented topologies pass
# `isupgw --check`, a wrong command fails it; a reinstall keeps an edited configuration, and
# make uninstall removes everything else. Usage: install-tree.sh [OUTDIR]
out=${1:-install-out}
top=${top_builddir:?}
. "${srcdir:-.}/install/install-lib.sh"
make=${MAKE:-make}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
root=$out/root


# a make of its own, not a part of the running make check's jobserver
inst() { # target
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $make -s -C "$top" "$1" DESTDIR="$root" >>"$out/make.log" 2>&1
}

if inst install; then ok make-install; else bad make-install "see $out/make.log"; cat "$out/make.log"; exit 1; fi

# what make install must lay out, and nothing else (paths as configure set them, under DESTDIR)
{
	echo "$sbindir/isupgw"
	echo "$bindir/isup-tool"
	echo "$bindir/isupgw-pstn-sim"
	echo "$sysconfdir/isupgw/isupgw.cfg"
	echo "$sysconfdir/logrotate.d/isupgw"
	[ "$systemdsystemunitdir" = no ] || echo "$systemdsystemunitdir/isupgw.service"
	[ "$sysusersdir" = no ] || echo "$sysusersdir/isupgw.conf"
	echo "$mandir/man1/isup-tool.1"
	echo "$mandir/man1/isupgw-pstn-sim.1"
	echo "$mandir/man5/isupgw.cfg.5"
	echo "$mandir/man8/isupgw.8"
} | sort >"$out/expected.txt"
(cd "$root" && find . ! -type d | sed 's|^\.||' | sort) >"$out/installed.txt"
if diff -u "$out/expected.txt" "$out/installed.txt" >"$out/files.diff"; then
	ok file-list
else
	bad file-list "installed files differ from the list (- missing, + extra):"
	cat "$out/files.diff"
fi

cfg=$root$sysconfdir/isupgw/isupgw.cfg
gw=$root$sbindir/isupgw
perm=$(stat -c %a "$cfg" 2>/dev/null)
[ "$perm" = 640 ] && ok config-mode || bad config-mode "isupgw.cfg has mode $perm, not 640 (it may hold passwords)"

# the configure paths are filled in: nothing like @sbindir@ is left, the unit starts what was installed
if grep -l '@[a-z_]*dir@\|@VERSION@\|@DATE@' -r "$root" >"$out/placeholders.txt"; then
	bad placeholders "left in: $(cat "$out/placeholders.txt")"
else
	ok placeholders
fi
if [ "$systemdsystemunitdir" != no ]; then
	unit=$root$systemdsystemunitdir/isupgw.service
	if grep -qx "ExecStart=$sbindir/isupgw -c $sysconfdir/isupgw/isupgw.cfg" "$unit"; then
		ok unit-paths
	else
		bad unit-paths "$(grep ExecStart "$unit")"
	fi
fi

# the installed binaries run
for b in "$gw" "$root$bindir/isup-tool" "$root$bindir/isupgw-pstn-sim"; do
	if "$b" --help >"$out/help.txt" 2>&1 && grep -q usage "$out/help.txt"; then
		ok "help-$(basename "$b")"
	else
		bad "help-$(basename "$b")" "$(cat "$out/help.txt")"
	fi
done
"$gw" -V | grep -q "^isupgw $VERSION" && ok version || bad version "$("$gw" -V)"

# the installed example: the embedded default, then the topologies
if "$gw" -c "$cfg" --check >"$out/check.txt" 2>&1 && grep -q "is valid" "$out/check.txt"; then
	ok config-check
else
	bad config-check "$(cat "$out/check.txt")"
fi
"$gw" --dump-default >"$out/default.cfg"
# (the topologies are comments only: without its comments the file is the default)
if [ -s "$out/default.cfg" ] && [ "$(grep -v '^!' "$cfg")" = "$(grep -v '^!' "$out/default.cfg")" ]; then
	ok config-is-default
else
	bad config-is-default "the installed configuration does not start with the embedded default"
fi
# each topology block uncommented: an SS7 side (1-3) with a SIP side (4, 5)
topo() { # n
	sed -n "/^! --- topology $1:/,/^! --- end of topology $1 ---/p" "$cfg" | sed '1d;$d' | grep -v '^! (' | sed 's/^! //'
}
for n in 1 2 3 4 5; do
	topo $n >"$out/topology$n.cfg"
	[ -s "$out/topology$n.cfg" ] || bad "topology-$n" "no block 'topology $n' in the installed configuration"
done
for a in 1 2 3; do
	for b in 4 5; do
		cat "$out/topology$a.cfg" "$out/topology$b.cfg" >"$out/topology$a$b.cfg"
		if "$gw" -c "$out/topology$a$b.cfg" --check >"$out/check$a$b.txt" 2>&1; then
			ok "topology-$a+$b"
		else
			bad "topology-$a+$b" "$(grep -v '^<' "$out/check$a$b.txt")"
		fi
	done
done
# --check can fail: a command the gateway does not have
{ cat "$cfg"; echo "sip"; echo " no-such-command 1"; } >"$out/wrong.cfg"
if "$gw" -c "$out/wrong.cfg" --check >"$out/wrong.txt" 2>&1; then
	bad config-check-fails "a configuration with an unknown command passed --check"
else
	ok config-check-fails
fi

# a reinstall keeps an edited configuration; uninstall removes the rest, not the operator's file
echo "! edited by the operator" >>"$cfg"
cp "$cfg" "$out/edited.cfg"
inst install || bad reinstall "see $out/make.log"
if cmp -s "$cfg" "$out/edited.cfg" && [ -f "$cfg.example" ]; then
	ok reinstall-keeps-config
else
	bad reinstall-keeps-config "isupgw.cfg overwritten or no isupgw.cfg.example"
fi
inst uninstall || bad uninstall "see $out/make.log"
(cd "$root" && find . ! -type d | sed 's|^\.||' | sort) >"$out/left.txt"
if [ "$(cat "$out/left.txt")" = "$sysconfdir/isupgw/isupgw.cfg" ]; then
	ok uninstall
else
	bad uninstall "left after make uninstall: $(tr '\n' ' ' <"$out/left.txt")"
fi

summary install-tree
