#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages render without a warning (groff -ww, mandoc's lint when installed, man -l), isupgw.cfg(5)
# lists every command of every node that the binary's VTY reference has, and each hand-written page
# names every option its program's --help shows. Usage: man-pages.sh [OUTDIR]
out=${1:-man-out}
top=${top_builddir:?}
here=${srcdir:-.}/install
. "$here/install-lib.sh"
man=$top/docs/man
GW=${GW:-$top/gateway/isupgw}
rm -rf "$out"
mkdir -p "$out"


# plain text on lines long enough that no command is broken
render() { groff -man -Tascii -P-cbou -rLL=2000n "$1" 2>&1; }

pages="isupgw.8 isup-tool.1 isupgw-pstn-sim.1 isupgw.cfg.5"
for p in $pages; do
	f=$man/$p
	[ -s "$f" ] || { bad "$p" "not built: $f"; continue; }
	groff -ww -man -z "$f" >"$out/$p.groff" 2>&1
	[ $? = 0 ] && [ ! -s "$out/$p.groff" ] && ok "groff-$p" || bad "groff-$p" "$(cat "$out/$p.groff")"
	LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$f" >"$out/$p.txt" 2>"$out/$p.man-err"
	[ $? = 0 ] && [ ! -s "$out/$p.man-err" ] && ok "man-l-$p" || bad "man-l-$p" "$(cat "$out/$p.man-err")"
	if command -v mandoc >/dev/null 2>&1; then
		mandoc -T lint -W warning "$f" >"$out/$p.mandoc" 2>&1
		[ $? = 0 ] && [ ! -s "$out/$p.mandoc" ] && ok "mandoc-$p" || bad "mandoc-$p" "$(cat "$out/$p.mandoc")"
	fi
done

# isupgw.cfg(5) against the reference of the binary as it is now
"$GW" --vty-ref-xml >"$out/vty-ref.xml" || bad vty-ref "isupgw --vty-ref-xml failed"
render "$man/isupgw.cfg.5" >"$out/isupgw.cfg.5.wide"
if python3 "$here/man-complete.py" "$out/vty-ref.xml" "$out/isupgw.cfg.5.wide" >"$out/complete.txt"; then
	ok "cfg5-complete ($(tail -1 "$out/complete.txt"))"
else
	bad cfg5-complete "$(cat "$out/complete.txt")"
fi

# the options each program's usage shows are in its page
options() { # page program...
	render "$man/$1" >"$out/$1.wide"
	shift
	"$@" --help 2>&1 | grep -o -- '--[a-z0-9][a-z0-9-]*' | sort -u >"$out/opts.txt"
	missing=""
	for o in $(cat "$out/opts.txt"); do
		grep -q -- "$o" "$out/$p.wide" || missing="$missing $o"
	done
	[ -s "$out/opts.txt" ] && [ -z "$missing" ] && ok "options-$p ($(wc -l <"$out/opts.txt"))" ||
		bad "options-$p" "not in the page:${missing:- (no options found in --help)}"
}
p=isupgw.8 options isupgw.8 "$GW"
p=isup-tool.1 options isup-tool.1 "${ISUP_TOOL:-$top/isup/isup-tool}"
p=isupgw-pstn-sim.1 options isupgw-pstn-sim.1 "${SIM:-./sim/pstn-sim}"

summary man-pages
