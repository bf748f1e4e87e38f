#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# isup-tool from the command line: build -> hex -> decode (text, JSON, line), pcap written and read back,
# ANSI with routing label, bad input refused with a non-zero exit.
tool=${ISUP_TOOL:-../isup/isup-tool}
tmp=${TMPDIR:-/tmp}/isup-tool-test.$$
mkdir -p "$tmp"
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAILED: $1"; fail=1; }

line='IAM cic=17 nci.echo_dev=1 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=2125551212'
hex=$($tool build "$line") || bad "build"
[ -n "$hex" ] && ok "build -> $hex"
# decode back to the builder's one-line form and rebuild: the same octets
back=$($tool --line decode "$hex") || bad "decode --line"
hex2=$($tool build "$back") || bad "rebuild"
[ "$hex" = "$hex2" ] && ok "line form rebuilds the same octets" || bad "line round trip: $hex vs $hex2"
$tool decode "$hex" | grep -q "Called party number (0x04, mandatory, 7 octets): nai=3 inn=0 npi=1 digits=2125551212" \
	&& ok "text decode" || bad "text decode"
$tool --json decode "$hex" | grep -q '"digits":"2125551212"' && ok "JSON decode" || bad "JSON decode"
# pcap written, read back
$tool -w "$tmp/t.pcap" --opc 1-1-1 --dpc 2-2-2 build "$line" 'REL cic=17 cause.location=0 cause.cause=16' >/dev/null \
	|| bad "build -w"
n=$($tool --line pcap "$tmp/t.pcap" | wc -l)
[ "$n" = 2 ] && ok "pcap has 2 messages" || bad "pcap read gave $n lines"
$tool pcap "$tmp/t.pcap" | grep -q "MTP3 OPC=1-1-1 DPC=2-2-2" && ok "routing label in pcap" || bad "label"
# ANSI with routing label in the hex
ahex=$($tool --ansi --mtp3 --opc 1.2.3 --dpc 4.5.6 build 'GRS cic=1 rs.range=23') || bad "ANSI build"
$tool --ansi --mtp3 decode "$ahex" | grep -q "OPC=1.2.3 DPC=4.5.6" && ok "ANSI label" || bad "ANSI label"
# refusals
$tool decode 0100 >/dev/null 2>&1 && bad "short message accepted" || ok "short message refused"
$tool decode zz >/dev/null 2>&1 && bad "bad hex accepted" || ok "bad hex refused"
$tool build 'REL cic=1 cause.cause=300' >/dev/null 2>&1 && bad "bad value accepted" || ok "bad value refused"
$tool pcap /etc/hostname >/dev/null 2>&1 && bad "non-pcap accepted" || ok "non-pcap refused"
$tool messages | grep -q "^IAM   0x01 Initial address" && ok "message list" || bad "message list"
$tool --ansi messages | grep -q "^CRM" && ok "ANSI message list" || bad "ANSI message list"
rm -rf "$tmp"
[ $fail = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
