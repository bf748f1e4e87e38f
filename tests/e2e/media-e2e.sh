#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The media plane end to end, with the real binaries: isupgw with a CESoPSN span toward pstn-sim (whose
# test channel plays and measures the CIC's timeslot), SIPp as the called SIP party, and an RTP peer
# written apart from our C code (rtp-peer.py, CPython's G.711) as its phone. One call, PSTN -> SIP:
# ringback heard on the timeslot while the SIP side alerts without SDP (and the ACM says in-band
# information), 1000 Hz from the timeslot heard at the RTP peer, 1400 Hz from the RTP peer heard on the
# timeslot, DTMF both ways (in-band <-> RFC 4733), a stranger's RTP on the port ignored and counted, and
# no RTP once the call is released; tshark decodes the span's CESoPSN and the call's RTP (no loss, no
# malformed packet, the RFC 4733 digit). A second call whose SIP side speaks PCMU only: A-law on the span,
# mu-law in RTP, the tones still heard both ways. A third whose IAM asks for a continuity check: the
# gateway loops the timeslot, pstn-sim's 2010 Hz comes back, COT, then the call; then pstn-sim's span
# stops (a line failure): the gateway blocks the span's circuits (hardware CGB) and unblocks them (CGU)
# when the stream is back. A fourth, SIP -> ISUP, loses a dual seizure and its channel follows the call
# to the circuit of the repeated IAM.
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-media-out}
[ $# -gt 0 ] && shift
only="$*"
. "$here/e2e-lib.sh"
. "$here/capture.sh"
P_SPAN_GW=$((base + 6)); P_SPAN_SIM=$((base + 7)); P_RTP=$((base + 8))
cat >>"$out/isupgw.cfg" <<EOF2
media
 rtp-address 127.0.0.1
 rtp-port-range $((base + 10)) $((base + 19))
 workers 2
 tone-plan itu
 echo-canceller off
 span 0 e1 alaw udp local 127.0.0.1 $P_SPAN_GW remote 127.0.0.1 $P_SPAN_SIM
 trunk-spans pstn cic-base 0 0
EOF2
sed -i 's/^ logging level call info/ logging level call info\n logging level media info/' "$out/isupgw.cfg"
gw_start

# pstn-sim with its span toward the gateway runs $out/CASE.script; then SIPp ($sipp) is waited for
sim_span_run() {
	"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --span $P_SPAN_SIM:$P_SPAN_GW \
		--script "$out/$1.script" --timeout 40 >"$out/$1.sim" 2>&1
	rs=$?
	wait $sipp
	SIPP_RC=$?
}

# the RTP peer runs until stop_peer; it is ready once it says so
peer_start() { # case args...
	c0=$1
	shift
	python3 "$here/rtp-peer.py" --port $P_RTP "$@" >"$out/$c0.rtp" 2>&1 &
	peer=$!
	wait_for "$out/$c0.rtp" "rtp-peer: ready" 10
}
stop_peer() {
	kill -TERM $peer 2>/dev/null
	wait $peer
}

# what a media case saw, for its failure message: what pstn-sim heard on the timeslot, what the phone
# heard, and the gateway's channels (rx/tx counts, concealment) as they closed
evidence() { # case
	{
		echo "---- evidence of $1"
		grep -E "event: (audio|dtmf|span|ANSWER|ALERTING|RELEASE|signalling)" "$out/$1.sim" 2>/dev/null
		[ -f "$out/$1.rtp" ] && cat "$out/$1.rtp"
		grep -E "media [0-9]*: closed|m3ua pstn0|MTP-RESUME" "$out/isupgw.log" | tail -8
	} | sed 's/^/  /'
}
bad_media() { # case reason
	bad "$1" "$2"
	evidence "$1"
}
# the check that failed names itself; the evidence follows it
want() { # case file regexp
	grep -q -- "$3" "$out/$1.$2" || { bad_media "$1" "no '$3' in $1.$2"; return 1; }
}

capture_start "udp portrange $P_SPAN_GW-$((base + 19))" "$out/media.pcap" 90

c=media-i2s
if selected $c; then
peer_start $c --freq 1400 --digit 9 --digit-at 1.5 --stranger
"$SIPP" -sf "$here/sipp/uas-media.xml" -key rtpport $P_RTP -key pt 8 -key codec PCMA -i 127.0.0.1 -p $P_UAS -m 1 -timeout 40 -timeout_error \
	-trace_msg -message_file "$out/$c.msg" -trace_logs -log_file "$out/$c.sipp" >/dev/null 2>"$out/$c.sipperr" &
sipp=$!
wait_udp_port $P_UAS
# while the call is up (the DTMF exchange follows the answer): the VTY's view of it
rm -f "$out/$c.sim"
(wait_for "$out/$c.sim" "event: ANSWER" 60 && sleep 1 && vty_cmd "show media" >"$out/$c.show") &
vtyjob=$!
printf '%s\n' "expect signalling 30
wait 1
call 301234567 4930999
tone last 1000 -10
expect ALERTING 10
hear last 400 459 5
expect ANSWER 10
hear last 1300 1500 10
dtmf last 5
wait 2
listen last
expect RELEASE 10
wait 1
listen last
silence last
quit" >"$out/$c.script"
sim_span_run $c
wait $vtyjob
stop_peer
cat "$out/$c.rtp"
grep -E "event: (audio|dtmf|span)" "$out/$c.sim"
cat "$out/$c.show"
[ $rs = 0 ] || bad $c "pstn-sim exited $rs"
sipp_ok $c &&
	want $c sim "event: span up" &&
	want $c sim "<- ACM .*obci.inband_info=1" &&
	want $c sim "event: audio [0-9]* 4[0-5][0-9] Hz" &&
	want $c rtp "second [0-9]*: 99[0-9] Hz\|second [0-9]*: 10[01][0-9] Hz" &&
	want $c sim "event: audio [0-9]* 1[34][0-9][0-9] Hz" &&
	want $c rtp "digits \[5\]" &&
	want $c sim "event: dtmf [0-9]* 9" &&
	want $c sim "event: audio [0-9]* 0 Hz -[5-9][0-9] dBm0" &&
	want $c rtp "stream stopped [0-9.]* s before the end, no packet after it" &&
	! grep -q "event: audio [0-9]* [56][0-9][0-9] Hz" "$out/$c.sim" &&
	grep -q "closed: .*foreign [1-9]" "$out/isupgw.log" &&
	want $c show "span 0: up" && want $c show "call-[0-9]* *[0-9]* *0/[0-9]* .* 127.0.0.1:$P_RTP " && ok $c ||
	{ [ $fail -gt 0 ] || bad $c "see $out"; }
fi

# the same direction, the SIP side PCMU only: the gateway transcodes between the A-law span and mu-law RTP
c=media-ulaw
if selected $c; then
peer_start $c --law ulaw --freq 1400
"$SIPP" -sf "$here/sipp/uas-media.xml" -key rtpport $P_RTP -key pt 0 -key codec PCMU -i 127.0.0.1 -p $P_UAS -m 1 \
	-timeout 40 -timeout_error -trace_msg -message_file "$out/$c.msg" >/dev/null 2>"$out/$c.sipperr" &
sipp=$!
wait_udp_port $P_UAS
printf '%s\n' "expect signalling 30
wait 1
call 301234567 4930999
tone last 1000 -10
expect ANSWER 10
hear last 1300 1500 10
expect RELEASE 10
quit" >"$out/$c.script"
sim_span_run $c
stop_peer
cat "$out/$c.rtp"
grep -E "event: audio" "$out/$c.sim"
[ $rs = 0 ] || bad $c "pstn-sim exited $rs"
sipp_ok $c &&
	want $c msg "m=audio [0-9]* RTP/AVP 0 101" &&
	want $c rtp "second [0-9]*: 99[0-9] Hz\|second [0-9]*: 10[01][0-9] Hz" &&
	want $c rtp "packets of another payload type than 0: 0" &&
	want $c sim "event: audio [0-9]* 1[34][0-9][0-9] Hz" && ok $c ||
	{ [ $fail -gt 0 ] || bad $c "see $out"; }
fi

# continuity check on the call's circuit, then the span fails and comes back
c=media-cot
if selected $c; then
"$SIPP" -sn uas -i 127.0.0.1 -p $P_UAS -m 1 -timeout 25 -timeout_error -trace_msg -message_file "$out/$c.msg" \
	>/dev/null 2>"$out/$c.sipperr" &
sipp=$!
wait_udp_port $P_UAS
printf '%s\n' "expect signalling 30
wait 1
callx IAM cic=0 nci.cot_ind=1 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=301234567
expect ANSWER 10
wait 1
release last
wait 2
span off
wait 2
span on
wait 2
quit" >"$out/$c.script"
sim_span_run $c
grep -E "event: cot|COT|CG[BU]" "$out/$c.sim"
grep -E "continuity|blocked|span 0" "$out/isupgw.log" | tail -6
[ $rs = 0 ] || bad $c "pstn-sim exited $rs"
sipp_ok $c &&
	want $c sim "event: cot [0-9]* passed" &&
	! grep -q "no call on CIC" "$out/$c.sim" &&
	want $c sim "-> COT .*coti.cot=1" &&
	want $c sim "<- CGB .*cgsmt.type=1" &&
	want $c sim "-> CGBA" &&
	want $c sim "<- CGU .*cgsmt.type=1" &&
	want $c sim "-> CGUA" && ok $c ||
	{ [ $fail -gt 0 ] || bad $c "see $out"; }
fi

# a call toward ISUP loses a dual seizure: its channel moves with it. The odd CICs (the gateway's, its
# point code being the lower) are blocked first, so the gateway takes an even one, CIC 30; pstn-sim seizes
# the same circuit with its own IAM; as the controlling exchange for even CICs it wins, the gateway
# repeats its IAM on CIC 28 and the call's channel must follow to timeslot 28.
c=media-dual-seizure
if selected $c; then
# the trunk's own echo canceller setting, given on the VTY, decides for this call (the node's is off)
vty_cmd "$(printf 'enable\r\nconfigure terminal\r\nmedia\r\ntrunk-echo-canceller pstn on\r\nend\r\nshow running-config')" \
	>"$out/$c.vty"
printf '%s\n' "expect signalling 30
wait 1
send CGB cic=1 cgsmt.type=0 rs.range=30 rs.status=55555555
expect SETUP 20
send IAM cic=30 nci.echo_dev=0 fci.isup_ind=1 cpc.value=10 tmr.value=3 cdpn.nai=3 cdpn.npi=1 cdpn.digits=999
expect SETUP 10
alert 28
wait 1
answer 28
wait 3
send CGU cic=1 cgsmt.type=0 rs.range=30 rs.status=55555555
wait 1
quit" >"$out/$c.script"
"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --span $P_SPAN_SIM:$P_SPAN_GW \
	--script "$out/$c.script" --timeout 40 >"$out/$c.sim" 2>&1 &
sim=$!
# the INVITE once the odd CICs are blocked (the gateway has acknowledged the CGB)
wait_for "$out/$c.sim" "<- CGBA" 40
"$SIPP" -sf "$here/sipp/uac-answer.xml" -s +4930123456 -key caller 4930999888 -i 127.0.0.1 -p $P_UAC -m 1 \
	-timeout 20 -timeout_error -trace_msg -message_file "$out/$c.msg" 127.0.0.1:$P_SIP >/dev/null 2>"$out/$c.sipperr"
SIPP_RC=$?
wait $sim
rs=$?
grep -E "event: SETUP|-> IAM|<- IAM" "$out/$c.sim"
grep -E "dual seizure|media: CIC" "$out/isupgw.log" | tail -3
grep -E "dual seizure|media: CIC" "$out/isupgw.log" >"$out/$c.gw"
[ $rs = 0 ] || bad $c "pstn-sim exited $rs"
sipp_ok $c &&
	want $c sim "<- IAM cic=30 " &&
	want $c sim "<- IAM cic=28 " &&
	want $c gw "dual seizure on CIC 30: IAM again on CIC 28, media follows" &&
	want $c gw "media: CIC 28 = span 0 TS 28, RTP port [0-9]*, echo canceller on" &&
	want $c vty "^ trunk-echo-canceller pstn on" && ok $c ||
	{ [ $fail -gt 0 ] || bad $c "see $out"; }
fi

# tshark, independently of our code, on what crossed the span and the RTP ports
if [ -n "$capture" ]; then
	kill $capture 2>/dev/null
	wait $capture 2>/dev/null
	dec="-d udp.port==$P_SPAN_GW,pwcesopsn -d udp.port==$P_RTP,rtp"
	nces=$("$TSHARK" -r "$out/media.pcap" $dec -Y "pwcesopsn && pwcesopsn.payload.len == 248" 2>/dev/null | wc -l)
	nrtp=$("$TSHARK" -r "$out/media.pcap" $dec -Y "rtp.p_type == 8 && udp.dstport == $P_RTP" 2>/dev/null | wc -l)
	nev=$("$TSHARK" -r "$out/media.pcap" $dec -Y "rtpevent.event_id == 5 && rtpevent.end_of_event == 1" 2>/dev/null | wc -l)
	nbad=$("$TSHARK" -r "$out/media.pcap" $dec -Y "_ws.malformed || _ws.expert.severity >= error" 2>/dev/null | wc -l)
	"$TSHARK" -r "$out/media.pcap" $dec -q -z rtp,streams 2>/dev/null >"$out/rtp-streams.txt"
	echo "---- tshark: $nces CESoPSN packets of 8 E1 frames, $nrtp PCMA packets to the phone, $nev RFC 4733 end packets of digit 5, $nbad malformed/errors"
	cat "$out/rtp-streams.txt"
	c=media-tshark
	[ "$nces" -ge 5000 ] || bad $c "only $nces CESoPSN packets decoded"
	[ "$nrtp" -ge 100 ] || bad $c "only $nrtp PCMA packets toward the phone"
	[ "$nev" -ge 1 ] || bad $c "tshark saw no end of digit 5"
	[ "$nbad" = 0 ] || bad $c "$nbad malformed packets"
	# the gateway's streams (SSRC not the test peer's 0x51515151): no loss, no wrong sequence
	awk '/0x/ && !/0x51515151/ && !/0x66666666/' "$out/rtp-streams.txt" >"$out/rtp-gw-streams.txt"
	[ -s "$out/rtp-gw-streams.txt" ] || bad $c "tshark found none of the gateway's RTP streams"
	grep -q " X *$" "$out/rtp-gw-streams.txt" && bad $c "a stream of the gateway with problems"
	grep -v -q " 0 (0.0%) " "$out/rtp-gw-streams.txt" && bad $c "a stream of the gateway lost packets"
	[ $fail -gt 0 ] || ok $c
fi

gw_stop
echo "media-e2e: $pass passed, $fail failed$failed"
[ $fail = 0 ]
