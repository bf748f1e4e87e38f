#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job on the embedded defaults. Until the gateway daemon lands (issue 5) this shows what
# exists: (1) the codec tool builds the messages of two calls, writes a DLT_MTP3 pcap and decodes it
# back, tshark decoding the same capture independently; (2) two pstn-sim exchanges, running
# isupgw's Q.764 call control over M3UA/TCP on 127.0.0.1, place calls both ways (one answered, one
# busy) and print their ladders, with the loopback capture decoded by tshark.
set -e
cd "$(dirname "$0")"
sh tests/deps.sh
if [ ! -x build/normal/isup/isup-tool ]; then
	autoreconf -fi >/dev/null
	mkdir -p build/normal && cd build/normal && ../../configure -q && make -s -j"$(nproc)" && cd ../..
fi
make -s -C build/normal/tests sim/pstn-sim
tool=build/normal/isup/isup-tool
pcap=build/demo.pcap
A=1-1-1 B=2-2-2

# one call A -> B (answered, A clears) and one call B -> A (busy)
set -- \
	"A>B|IAM cic=17 nci.echo_dev=1 fci.isup_ind=1 fci.isdn_access=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=2125551212 cgpn.nai=3 cgpn.npi=1 cgpn.si=3 cgpn.digits=7035551000 hop.count=20" \
	"B>A|ACM cic=17 bci.charge=2 bci.called_status=1 bci.called_category=1 bci.isup_ind=1 obci.inband_info=1" \
	"B>A|ANM cic=17" \
	"A>B|REL cic=17 cause.location=0 cause.cause=16" \
	"B>A|RLC cic=17" \
	"B>A|IAM cic=18 nci.echo_dev=1 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=7035551000 cgpn.nai=3 cgpn.npi=1 cgpn.si=3 cgpn.digits=2125551212" \
	"A>B|REL cic=18 cause.location=1 cause.cause=17" \
	"B>A|RLC cic=18"

rm -f "$pcap"
i=0
printf '\n   exchange A (%s)                      exchange B (%s)\n' "$A" "$B"
for step in "$@"; do
	dir=${step%%|*}
	line=${step#*|}
	i=$((i + 1))
	if [ "$dir" = "A>B" ]; then opc=$A dpc=$B; else opc=$B dpc=$A; fi
	hex=$($tool --mtp3 --opc $opc --dpc $dpc --sls $((i % 16)) build "$line")
	# append to the capture: a pcap per message, merged below
	$tool --opc $opc --dpc $dpc --sls $((i % 16)) -w "build/demo-$i.pcap" build "$line" >/dev/null
	name=${line%% *}
	cic=$(echo "$line" | sed 's/.*cic=\([0-9]*\).*/\1/')
	if [ "$dir" = "A>B" ]; then
		printf '        |---- %-4s CIC %-3s ------------------------>|   %s\n' "$name" "$cic" "$hex"
	else
		printf '        |<--- %-4s CIC %-3s -------------------------|   %s\n' "$name" "$cic" "$hex"
	fi
done
# concatenate the single-record captures (skip each file's 24-octet global header after the first)
head -c 24 build/demo-1.pcap >"$pcap"
for f in $(ls build/demo-*.pcap | sort -t- -k2 -n); do tail -c +25 "$f" >>"$pcap"; rm -f "$f"; done

echo
echo "decoded back from $pcap by isup-tool:"
$tool pcap "$pcap" | sed 's/^/    /'
if command -v tshark >/dev/null 2>&1; then
	echo
	echo "the same capture, decoded independently by tshark:"
	tshark -r "$pcap" 2>/dev/null | sed 's/^/    /'
fi

echo
echo "==== two exchanges over M3UA/TCP (pstn-sim A listens as SG, B connects as ASP)"
cd build/normal/tests
TSHARK=$(command -v tshark || true) srcdir=../../../tests SIM=./sim/pstn-sim sh ../../../tests/sim/two-exchanges.sh ../demo-sim
