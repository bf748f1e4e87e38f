#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The media plane end to end, with the real binaries: isupgw with a CESoPSN span toward pstn-sim (whose
# test channel plays and measures the CIC's timeslot), SIPp as the called SIP party, and an RTP peer
# written apart from our C code (rtp-peer.py, CPython's G.711) as its phone. One call, PSTN -> SIP:
# ringback heard on the timeslot while the SIP side alerts without SDP (and the ACM says in-band
# information), 1000 Hz from the timeslot heard at the RTP peer, 1400 Hz from the RTP peer heard on the
# timeslot, DTMF both ways (in-band <-> RFC 4733), a stranger's RTP on the port ignored and counted, and
# no RTP once the call is released.
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-media-out}
[ $# -gt 0 ] && shift
only="$*"
. "$here/e2e-lib.sh"
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

c=media-i2s
python3 "$here/rtp-peer.py" --port $P_RTP --freq 1400 --duration 11 --digit 9 --digit-at 1.5 --stranger \
	--quiet-after 9.5 >"$out/$c.rtp" 2>&1 &
peer=$!
"$SIPP" -sf "$here/sipp/uas-media.xml" -key rtpport $P_RTP -i 127.0.0.1 -p $P_UAS -m 1 -timeout 25 -timeout_error \
	-trace_msg -message_file "$out/$c.msg" -trace_logs -log_file "$out/$c.sipp" >/dev/null 2>"$out/$c.sipperr" &
sipp=$!
wait_udp_port $P_UAS
# while the call is up (answer ~3.5 s after start): the VTY's view of it
(sleep 7; vty_cmd "show media" >"$out/$c.show") &
vtyjob=$!
printf '%s\n' "expect signalling 30
wait 1
call 301234567 4930999
tone last 1000 -10
expect ALERTING 10
wait 1
listen last
expect ANSWER 10
wait 1
listen last
dtmf last 5
wait 2
listen last
expect RELEASE 10
wait 1
listen last
silence last
quit" >"$out/$c.script"
"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --span $P_SPAN_SIM:$P_SPAN_GW \
	--script "$out/$c.script" --timeout 40 >"$out/$c.sim" 2>&1
rs=$?
wait $vtyjob
wait $sipp
SIPP_RC=$?
wait $peer
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
	want $c rtp "packets after 9.5 s: 0" &&
	! grep -q "event: audio [0-9]* [56][0-9][0-9] Hz" "$out/$c.sim" &&
	grep -q "closed: .*foreign [1-9]" "$out/isupgw.log" &&
	want $c show "span 0: up" && want $c show "call-[0-9]* *[0-9]* *0/[0-9]* .* 127.0.0.1:$P_RTP " && ok $c ||
	{ [ $fail -gt 0 ] || bad $c "see $out"; }

gw_stop
echo "media-e2e: $pass passed, $fail failed$failed"
[ $fail = 0 ]
