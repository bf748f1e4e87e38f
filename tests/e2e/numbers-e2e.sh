#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Numbers through the real isupgw, pstn-sim on the ISUP side and SIPp on the SIP side, tshark decoding the
# IAMs on the M3UA link and the SIP-T bodies independently of our codec:
# - the hop counter never goes up (issue 18): a SIP-T INVITE with an encapsulated IAM of hop counter 20
#   and Max-Forwards 70 gives an IAM of hop counter 20; ISUP -> SIP gives no more Max-Forwards than the
#   IAM's hop counter;
# - a number marked restricted anywhere stays restricted (issue 18): an encapsulated IAM with
#   presentation restricted and a From showing the number gives an IAM with presentation restricted; an
#   IAM with presentation restricted gives an anonymous From, Privacy: id, PAI, and a SIP-T body that
#   keeps it restricted.
# Usage: numbers-e2e.sh [OUTDIR] [CASE...]   (exit status 0 when every case passed)
here=${srcdir:-.}/e2e
out=${1:-numbers-out}
[ $# -gt 0 ] && shift
only="$*"
. "$here/e2e-lib.sh"
here_abs=$(cd "$here" && pwd)

# e2e-lib's configuration, its peer "far" (SIPp) reading and writing SIP-T
cat >>"$out/isupgw.cfg" <<EOC
sip-peer far
 sip-t optional
EOC

# tshark on the M3UA link and the SIP ports: the independent decoder of what crossed the wire
. "$here_abs/capture.sh"
capture_start "tcp port $P_M3UA or udp port $P_SIP" "$out/numbers.pcap" 300
gw_start

# an ITU IAM (Q.763) written octet by octet, not by our encoder: NCI 0, FCI ISUP all the way, CPC
# ordinary, TMR 3.1 kHz; called national 301234567; calling national 4930999 with presentation $1
# (0 allowed, 1 restricted), user provided verified; hop counter $2
encap_iam() { # apri hop
	cg=$(printf '%02x' $((0x11 | ($1 << 2))))
	hop=$(printf '%02x' "$2")
	python3 -c 'import sys; open(sys.argv[1], "wb").write(bytes.fromhex(sys.argv[2]))' "$out/encap-iam.bin" \
		"01 00 20 01 0a 03 02 09 07 83 10 03 21 43 65 07 0a 06 83 $cg 94 03 99 09 3d 01 $hop 00"
}

# SIP -> ISUP with a SIP-T INVITE: pstn-sim is the callee and rejects (cause 17)
sipt_to_isup() { # case called caller max-forwards
	selected "$1" || return 0
	printf '%s\n' "auto release 17
expect signalling 30
expect SETUP 15
wait 1
quit" >"$out/$1.script"
	n0=$(gw_resumes)
	"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --script "$out/$1.script" \
		--timeout ${SIM_TIMEOUT:-30} >"$out/$1.sim" 2>&1 &
	sim=$!
	wait_gw_resume $n0
	(cd "$out" && "$SIPP" -sf "$here_abs/sipp/uac-sipt-iam.xml" -s "$2" -key caller "$3" -set mf "$4" -i 127.0.0.1 \
		-p $P_UAC -m 1 -timeout ${SIPP_TIMEOUT:-20} -timeout_error -trace_msg -message_file "$1.msg" \
		-trace_logs -log_file "$1.sipp" 127.0.0.1:$P_SIP >/dev/null 2>"$1.sipperr")
	SIPP_RC=$?
	wait $sim
	[ $? = 0 ] || { bad "$1" "pstn-sim exited"; return 1; }
	sipp_ok "$1"
}

# what tshark decodes of the IAMs toward pstn-sim with this called number: hop counter, presentation,
# calling number, its NAI and screening, one line per IAM
# (Wireshark 4.0 decodes M3UA only over SCTP: the TCP streams are re-cut into raw M3UA records first)
M3UA_DEC='uat:user_dlts:"User 0 (DLT=147)","m3ua","0","","0",""'
SIP_DEC="-d udp.port==$P_SIP,sip -d udp.port==$P_UAS,sip"
iam_fields() { # called
	"$TSHARK" -o "$M3UA_DEC" -r "$out/m3ua.pcap" -Y "isup.message_type == 1 && isup.called == \"$1\"" -T fields \
		-E separator=' ' -e isup.hop_counter -e isup.address_presentation_restricted_indicator \
		-e isup.calling -e isup.calling_party_nature_of_address_indicator -e isup.screening_indicator 2>/dev/null
}

# ---- issue 18: the hop counter never goes up ----

c=hop-sipt
encap_iam 0 20
sipt_to_isup $c 301234501 +494930999 70 && want $c sim "<- IAM .*hop.count=20" && ok $c

# ---- issue 18: a restricted number stays restricted ----

c=privacy-sipt
encap_iam 1 20
sipt_to_isup $c 301234502 +494930999 70 && want $c sim "<- IAM .*cgpn.apri=1" && ok $c

c=privacy-isup
if selected $c; then
	isup_to_sip $c uas-busy "expect signalling 30
callx IAM cic=0 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=301234503 cgpn.nai=3 cgpn.npi=1 cgpn.apri=1 cgpn.si=1 cgpn.digits=4930999 hop.count=5
expect RELEASE 10
wait 1
quit"
	sipp_ok $c && want $c sipp "From: \"Anonymous\" <sip:anonymous@anonymous.invalid>" &&
		want $c sipp "Privacy: id" && want $c sipp "PAI: <sip:+494930999@127.0.0.1;user=phone>" &&
		want $c sipp "Max-Forwards: 5\$" && ok $c
fi

gw_stop

# ---- tshark's reading ----
if [ -n "$capture" ]; then
	kill $capture 2>/dev/null
	wait $capture 2>/dev/null
	python3 "$here_abs/../sim/m3ua-tcp-to-pcap.py" "$out/numbers.pcap" "$out/m3ua.pcap" >/dev/null 2>&1
	check_iam() { # case called expected-fields-regex
		selected "$1" || return 0
		f=$(iam_fields "$2")
		echo "---- $1: tshark decodes the IAM as: hop apri calling nai si = $f"
		echo "$f" | grep -q -E "$3" || bad "$1" "tshark: IAM '$f', not '$3'"
	}
	check_iam hop-sipt 301234501 "^20 "
	check_iam privacy-sipt 301234502 "^20 1 4930999 "
	if selected privacy-isup; then
		# the SIP-T body of our INVITE keeps the number restricted
		f=$("$TSHARK" -r "$out/numbers.pcap" $SIP_DEC -Y 'sip.Method == "INVITE" && isup.called == "301234503"' \
			-T fields -E separator=' ' -e isup.address_presentation_restricted_indicator -e isup.calling 2>/dev/null)
		echo "---- privacy-isup: tshark decodes our INVITE's ISUP body: apri calling = $f"
		echo "$f" | grep -q "^1 4930999" || bad privacy-isup "tshark: INVITE body '$f', not restricted"
	fi
	nbad=$( ("$TSHARK" -o "$M3UA_DEC" -r "$out/m3ua.pcap" -Y _ws.malformed 2>/dev/null
		"$TSHARK" -r "$out/numbers.pcap" $SIP_DEC -Y _ws.malformed 2>/dev/null) | wc -l)
	[ "$nbad" = 0 ] || bad tshark "$nbad malformed packets"
else
	echo "no capture (tshark missing or not root): the wire checks are skipped"
fi

echo "numbers e2e: $pass passed, $fail failed${failed:+ (}${failed# }${failed:+)}"
[ $fail = 0 ]
