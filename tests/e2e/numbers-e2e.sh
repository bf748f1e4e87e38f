#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Numbers through the real isupgw, pstn-sim on the ISUP side and SIPp on the SIP side, tshark decoding the
# IAMs on the M3UA link and the SIP-T bodies independently of our codec:
# - number rule tables (gateway/gw_number.c): prefixed numbers to national and E.164 with their NAI, a
#   regex rewrite, international numbers to the trunk's prefixed form, calling number screening failing
#   to the default number; the tables written back by show running-config as configured, test number;
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

# e2e-lib's configuration, its peer "far" (SIPp) reading and writing SIP-T, and number rule tables as
# "show running-config" writes them (the test compares)
cat >>"$out/isupgw.cfg" <<EOC
sip-peer far
 sip-t optional
EOC
cat >"$out/rules.cfg" <<'EOC'
number-rules pstn-in
 country-code 49
 national-prefix 0
 international-prefix 00
 prefix-to-nai
 form national
 screen verified user
 attach trunk pstn in all
number-rules far-out
 country-code 49
 national-prefix 0
 international-prefix 00
 form e164
 screen verified user
 attach sip-peer far out all
number-rules far-in
 national-prefix 0
 international-prefix 00
 rewrite 10 national ^3012345(06)$ 30777\1 keep
 form keep
 screen verified user
 attach sip-peer far in called
number-rules pstn-out
 country-code 49
 national-prefix 0
 international-prefix 00
 rewrite 20 international ^ 00 unknown
 form keep
 screen allow 494930
 screen default 301230000 national
 screen verified user
 attach trunk pstn out called
 attach trunk pstn out calling
EOC
cat "$out/rules.cfg" >>"$out/isupgw.cfg"

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

# SIP -> ISUP: SIPp calls (from $P_UAC, in $out so that a scenario finds its files), pstn-sim is the
# callee and rejects (cause 17)
sipp_to_isup() { # case scenario called caller [SIPp arguments]
	selected "$1" || return 1
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
	(cd "$out" && "$SIPP" -sf "$here_abs/sipp/$2.xml" -s "$3" -key caller "$4" $5 -i 127.0.0.1 -p $P_UAC -m 1 \
		-timeout ${SIPP_TIMEOUT:-20} -timeout_error -trace_msg -message_file "$1.msg" -trace_logs \
		-log_file "$1.sipp" 127.0.0.1:$P_SIP >/dev/null 2>"$1.sipperr")
	SIPP_RC=$?
	wait $sim
	[ $? = 0 ] || { bad "$1" "pstn-sim exited"; return 1; }
	sipp_ok "$1"
}
sipt_to_isup() { # case called caller max-forwards
	sipp_to_isup "$1" uac-sipt-iam "$2" "$3" "-set mf $4"
}

# what tshark decodes of the IAMs toward pstn-sim with this called number: hop counter, presentation,
# calling number, its NAI and screening, one line per IAM
# (Wireshark 4.0 decodes M3UA only over SCTP: the TCP streams are re-cut into raw M3UA records first)
M3UA_DEC='uat:user_dlts:"User 0 (DLT=147)","m3ua","0","","0",""'
SIP_DEC="-d udp.port==$P_SIP,sip -d udp.port==$P_UAS,sip"
iam_fields() { # called
	"$TSHARK" -o "$M3UA_DEC" -r "$out/m3ua.pcap" -Y "isup.message_type == 1 && isup.called == \"$1\"" -T fields \
		-E separator=' ' -e isup.hop_counter -e isup.address_presentation_restricted_indicator \
		-e isup.calling -e isup.calling_party_nature_of_address_indicator -e isup.screening_indicator \
		-e isup.called_party_nature_of_address_indicator 2>/dev/null
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

# ---- number rules ----

# ISUP -> SIP, prefixed numbers of unknown nature from the trunk: pstn-in makes them national (prefix-to-nai),
# far-out E.164; without the tables they would go as dialled (sip:0301234504)
c=num-e164
if selected $c; then
	isup_to_sip $c uas-busy "expect signalling 30
callx IAM cic=0 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=2 cdpn.npi=1 cdpn.digits=0301234504 cgpn.nai=2 cgpn.npi=1 cgpn.si=1 cgpn.digits=0301119999
expect RELEASE 10
wait 1
quit"
	sipp_ok $c && want $c msg "^INVITE sip:+49301234504@" && want $c sipp "From: <sip:+49301119999@" &&
		want $c sim "<- REL .*cause.cause=17" && ok $c
fi

# SIP -> ISUP, a regex rewrite of far-in: +49301234506 (national 301234506) -> 3077706
c=num-rewrite
sipp_to_isup $c uac-reject-486 +49301234506 +494930999 && want $c sim "<- IAM .*cdpn.nai=3 .*cdpn.digits=3077706 " && ok $c

# SIP -> ISUP, E.164 to the trunk's prefixed form: pstn-out's rewrite of international numbers to unknown
# nature with the international prefix: +33142345607 -> 0033142345607 (NAI unknown)
c=num-intl-prefixed
sipp_to_isup $c uac-reject-486 +33142345607 +494930999 && want $c sim "<- IAM .*cdpn.nai=2 .*cdpn.digits=0033142345607 " &&
	ok $c

# SIP -> ISUP, calling number screening on pstn-out: +4989123456 is in no allowed range -> the default
# 301230000, network provided
c=num-screen
sipp_to_isup $c uac-reject-486 +49301234508 +4989123456 &&
	want $c sim "<- IAM .*cgpn.nai=3 .*cgpn.si=3 cgpn.digits=301230000 " &&
	{ grep -qF "number-rules pstn-out (trunk pstn out): calling national/89123456 -> national/301230000: screening failed" \
		"$out/isupgw.log" || bad $c "no INFO line of the screening in isupgw.log"; } && ok $c

# the VTY: the tables written back as configured, "test number" and the counters of "show number-rules"
c=num-vty
if selected $c; then
	vty_cmd "enable
show running-config
test number pstn-out calling national 89123456
test number pstn-in called unknown 0049301234567
test number far-in called national 301234506
show number-rules pstn-out" >"$out/$c.vty"
	# the running configuration's tables: from the first "number-rules" line to the next line that is neither
	# one nor indented
	awk '/^number-rules / { on = 1 } on && !/^(number-rules | )/ { exit } on' "$out/$c.vty" >"$out/$c.rules"
	if ! cmp -s "$out/rules.cfg" "$out/$c.rules"; then
		bad $c "show running-config writes the tables otherwise"
		diff "$out/rules.cfg" "$out/$c.rules"
	else
		want $c vty "calling national 89123456 -> national 301230000 (screening indicator 3)" &&
			want $c vty "called unknown 0049301234567 -> national 301234567" &&
			{ grep -qF "rewrite 10 '^3012345(06)\$' -> '30777\\1'" "$out/$c.vty" || bad $c "test number: no rewrite 10"; } &&
			want $c vty "screening [0-9]* passed, 1 failed, 1 default numbers given" && ok $c
	fi
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
		echo "---- $1: tshark decodes the IAM as: hop, calling apri digits nai si, called nai = $f"
		echo "$f" | grep -q -E "$3" || bad "$1" "tshark: IAM '$f', not '$3'"
	}
	check_iam hop-sipt 301234501 "^20 "
	check_iam privacy-sipt 301234502 "^20 1 4930999 "
	check_iam num-rewrite 3077706 " 3$"
	check_iam num-intl-prefixed 0033142345607 " 2$"
	check_iam num-screen 301234508 "^[0-9]* 0 301230000 3 3 3$"
	if selected privacy-isup; then
		# the SIP-T body of our INVITE keeps the number restricted
		f=$("$TSHARK" -r "$out/numbers.pcap" $SIP_DEC -Y 'sip.Method == "INVITE" && isup.called contains "301234503"' \
			-T fields -E separator=' ' -e isup.address_presentation_restricted_indicator -e isup.calling 2>/dev/null)
		echo "---- privacy-isup: tshark decodes our INVITE's ISUP body: apri calling = $f"
		echo "$f" | grep -q -E "^1 (49)?4930999" || bad privacy-isup "tshark: INVITE body '$f', not restricted"
	fi
	nbad=$( ("$TSHARK" -o "$M3UA_DEC" -r "$out/m3ua.pcap" -Y _ws.malformed 2>/dev/null
		"$TSHARK" -r "$out/numbers.pcap" $SIP_DEC -Y _ws.malformed 2>/dev/null) | wc -l)
	[ "$nbad" = 0 ] || bad tshark "$nbad malformed packets"
else
	echo "no capture (tshark missing or not root): the wire checks are skipped"
fi

echo "numbers e2e: $pass passed, $fail failed${failed:+ (}${failed# }${failed:+)}"
[ $fail = 0 ]
