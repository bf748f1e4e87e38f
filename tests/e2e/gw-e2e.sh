#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The real isupgw between pstn-sim (ISUP over M3UA/TCP, pstn-sim as the SG) and SIPp, on 127.0.0.1:
# the RFC 3666 call flows both ways (answered, release from each side, busy, unavailable, CANCEL, early
# media, no route, bad number; INVITEs refused for their SDP, ISUP part or Via count before any IAM).
# Every ISUP message is checked on pstn-sim's ladder, every SIP outcome by SIPp's exit status and what its
# scenario logged.
# Usage: gw-e2e.sh [OUTDIR] [CASE...]   (exit status 0 when every case passed)
here=${srcdir:-.}/e2e
out=${1:-e2e-out}
[ $# -gt 0 ] && shift
only="$*"
. "$here/e2e-lib.sh"
gw_start

# ---- ISUP -> SIP (RFC 3666 s3: PSTN to SIP) ----

c=i2s-answered
isup_to_sip $c uas-answer "expect signalling 30
call 301234567 4930999
expect ANSWER 10
wait 1
release last 16
wait 1
quit"
selected $c && sipp_ok $c && want $c sim "<- ACM .*bci.called_status=1" && want $c sim "<- ANM" && want $c sim "<- RLC" &&
	want $c sipp "BYE Reason: Q.850;cause=16" && want $c sipp "From: <sip:+494930999@127.0.0.1;user=phone>" &&
	want $c sipp "PAI: <sip:+494930999@127.0.0.1;user=phone>" && ok $c

c=i2s-sip-hangup
isup_to_sip $c uas-answer-hangup "expect signalling 30
call 301234567 4930999
expect RELEASE 10
wait 1
quit"
selected $c && sipp_ok $c && want $c sim "<- ANM" && want $c sim "<- REL .*cause.cause=16" && want $c sim "-> RLC" && ok $c

c=i2s-busy
isup_to_sip $c uas-busy "expect signalling 30
call 301234567
expect RELEASE 10
wait 1
quit"
selected $c && sipp_ok $c && want $c sim "<- REL .*cause.cause=17" && want $c sim "event: RELEASE cic=[0-9]* cause=17" &&
	want $c sipp "From: <sip:127.0.0.1>" && ok $c

c=i2s-unavailable
isup_to_sip $c uas-unavailable "expect signalling 30
call 301234567 4930999
expect RELEASE 10
wait 1
quit"
selected $c && sipp_ok $c && want $c sim "<- REL .*cause.cause=18" && ok $c

# RFC 3398 s9.2: the SIP side holds (re-INVITE sendonly -> answered recvonly) and resumes; the PSTN hears
# of it in CPGs with the generic notifications remote hold (121) and remote retrieval (122)
c=i2s-hold
isup_to_sip $c uas-hold "expect signalling 30
call 301234567 4930999
expect ANSWER 10
wait 2
release last 16
wait 1
quit"
selected $c && sipp_ok $c && want $c sipp "re-INVITE 1 (sendonly) answered with recvonly" &&
	want $c sipp "re-INVITE 2 (sendrecv) answered with sendrecv" && want $c sim "<- CPG .*gni.notification=121" &&
	want $c sim "<- CPG .*gni.notification=122" && ok $c

# RFC 3398 s9.1: the PSTN suspends and resumes (SUS/RES, a plain SIP peer): re-INVITE sendonly, then
# sendrecv, each SDP with its o= version one higher (RFC 3264 s8)
c=i2s-sus-res
isup_to_sip $c uas-pstn-hold "expect signalling 30
call 301234567 4930999
expect ANSWER 10
wait 1
req out SUS sri.ind=0
wait 1
req out RES sri.ind=0
wait 1
release last 16
wait 1
quit"
selected $c && sipp_ok $c && want $c sipp "re-INVITE 1 from the gateway: sendonly ; o=.* 2 IN IP4" &&
	want $c sipp "re-INVITE 2 from the gateway: sendrecv ; o=.* 3 IN IP4" && want $c sim "-> SUS" && want $c sim "-> RES" &&
	ok $c

# RFC 3398 s9.2: a CPG remote hold / remote retrieval from the PSTN after answer -> re-INVITEs
c=i2s-cpg-hold
isup_to_sip $c uas-pstn-hold "expect signalling 30
call 301234567 4930999
expect ANSWER 10
wait 1
req out CPG ei.event=2 gni.notification=121
wait 1
req out CPG ei.event=2 gni.notification=122
wait 1
release last 16
wait 1
quit"
selected $c && sipp_ok $c && want $c sipp "re-INVITE 1 from the gateway: sendonly" &&
	want $c sipp "re-INVITE 2 from the gateway: sendrecv" && ok $c

# RFC 3262 / RFC 4028 / RFC 3311 toward a callee: our INVITE offers 100rel and asks for a 1800 s session
# timer; the reliable 183 is PRACKed; the callee's UPDATE refresh is answered with the session interval
c=i2s-100rel
isup_to_sip $c uas-100rel "expect signalling 30
call 301234567 4930999
expect ANSWER 10
wait 1
release last 16
wait 1
quit"
selected $c && sipp_ok $c && want $c sipp "INVITE Supported: *timer, 100rel Session-Expires: *1800" &&
	want $c sipp "PRACK RAck: *1 [0-9]* INVITE" && want $c sipp "UPDATE refresh answered: Session-Expires: *1800;refresher=uas" &&
	want $c sim "<- ACM" && want $c sim "<- ANM" && ok $c

# RFC 3398 s8.2.5: a 302 is followed to its Contact with the same Call-ID and From tag
c=i2s-redirect
isup_to_sip $c uas-redirect "expect signalling 30
call 301234567 4930999
expect ANSWER 10
wait 1
release last 16
wait 1
quit"
selected $c && sipp_ok $c && want $c sipp "redirected INVITE sip:forwarded-4930777@127.0.0.1:$P_UAS" &&
	want $c sim "<- ANM" && ok $c

# redirect-response release: a 302 is not followed but ends the call with REL cause 23
c=i2s-redirect-release
if selected $c; then
	vty_cmd "enable
configure terminal
sip-peer far
redirect-response release
end" >"$out/$c.vty"
	isup_to_sip $c uas-redirect-only "expect signalling 30
call 301234567 4930999
expect RELEASE 10
wait 1
quit"
	vty_cmd "enable
configure terminal
sip-peer far
redirect-response follow
end" >>"$out/$c.vty"
	sipp_ok $c && want $c sim "<- REL .*cause.cause=23" && ok $c
fi

c=i2s-cancel
isup_to_sip $c uas-cancel "expect signalling 30
call 301234567 4930999
expect ALERTING 10
wait 1
release last 16
wait 1
quit"
selected $c && sipp_ok $c && want $c sim "<- RLC" && want $c sipp "CANCEL Reason: Q.850;cause=16" && ok $c

# gateway X1: no answer within 2 s of the IAM -> CANCEL toward SIP, REL cause 102 toward the PSTN
c=i2s-x1-expiry
if selected $c; then
	vty_cmd "enable
configure terminal
gateway
timer gw X1 2
end" >"$out/$c.vty"
	isup_to_sip $c uas-cancel "expect signalling 30
call 301234567 4930999
expect ALERTING 10
expect RELEASE 10
wait 1
quit"
	vty_cmd "enable
configure terminal
gateway
timer gw X1 0
end" >>"$out/$c.vty"
	grep "X1 expired" "$out/isupgw.log" >"$out/$c.gw"
	sipp_ok $c && want $c sim "<- REL .*cause.cause=102" && want $c sipp "CANCEL Reason: Q.850;cause=102" &&
		want $c gw "X1 expired: no answer within 2 s" && ok $c
fi

c=i2s-early-media
isup_to_sip $c uas-early-media "expect signalling 30
call 301234567 4930999
expect ANSWER 10
release last 16
wait 1
quit"
selected $c && sipp_ok $c && want $c sim "<- ACM .*bci.called_status=0 .*obci.inband_info=1" && want $c sim "<- ANM" && ok $c

c=i2s-no-route
if selected $c; then
	sim_run $c "expect signalling 30
call 2999
expect RELEASE 10
wait 1
quit" && want $c sim "<- REL .*cause.cause=3" && ok $c
fi

# ---- SIP peers: OPTIONS keepalive and failover ----

# peer "dead" (nothing listens) is marked down by its keepalive: the route's next peer gets the call
c=i2s-peer-down
isup_to_sip $c uas-answer "expect signalling 30
wait 3
call 7012345 4930999
expect ANSWER 10
release last 16
wait 1
quit"
if selected $c; then
	vty_cmd "show sip peers" >"$out/$c.vty"
	cp "$out/isupgw.log" "$out/$c.log"
	sipp_ok $c && want $c sim "<- ANM" && want $c vty "^dead .* DOWN" && want $c vty "^self .* up" && ok $c
fi

# peer "dead2" has no keepalive: the INVITE fails (503 on the ICMP error, or 408 after the 2 s transaction
# timeout) and the route's next peer gets the call
c=i2s-failover
isup_to_sip $c uas-answer "expect signalling 30
call 8012345 4930999
expect ANSWER 15
release last 16
wait 1
quit"
if selected $c; then
	cp "$out/isupgw.log" "$out/$c.log"
	# a 180 and 200 read in one round may reach the call as the 200 alone: then CON instead of ACM + ANM
	sipp_ok $c && want $c sim "<- \(ANM\|CON\)" && want $c log "sip-peer dead2 failed the INVITE (\(408\|503\)): trying sip-peer far" &&
		ok $c
fi

# the peer challenges the INVITE (401): the gateway answers with its credentials and the call goes on
# (RFC 3398 s8.2.6.1: authenticate if possible, cause 21 only otherwise)
c=i2s-digest-auth
isup_to_sip $c uas-auth "expect signalling 30
call 9012345 4930999
expect ANSWER 10
release last 16
wait 1
quit"
selected $c && sipp_ok $c && want $c sipp "credentials verified" && want $c sipp 'username="gwuser"' &&
	want $c sim "<- ANM" && ok $c

# a challenge for a realm other than the one the peer's credentials are for is not answered: the call fails
# as on a 401 (cause 21), and the gateway says why
c=i2s-digest-wrong-realm
isup_to_sip $c uas-auth-realm "expect signalling 30
call 9012345 4930999
expect RELEASE 10
wait 1
quit"
if selected $c; then
	cp "$out/isupgw.log" "$out/$c.log"
	sipp_ok $c && want $c sipp "no second INVITE" && want $c sim "<- REL .*cause.cause=21" &&
		want $c log 'challenge for realm "invented.test", our credentials are for "isupgw.test": not answered' &&
		ok $c
fi

# an answered call whose SIP peer vanishes (SIPp killed after answering one in-dialog OPTIONS): the next
# OPTIONS gets no answer and the call is released toward the PSTN within the peer's dialog-keepalive (1 s)
# plus the transaction timeout (2 s), not at the session timer's end
c=i2s-dead-peer
if selected $c; then
	"$SIPP" -sf "$here/sipp/uas-answer-vanish.xml" -i 127.0.0.1 -p $P_UAS -m 1 -timeout 60 -trace_msg \
		-message_file "$out/$c.msg" -trace_logs -log_file "$out/$c.sipp" >/dev/null 2>"$out/$c.sipperr" &
	sipp=$!
	wait_udp_port $P_UAS
	printf 'expect signalling 30\ncall 1112345 4930999\nexpect ANSWER 10\nexpect RELEASE 15\nwait 1\nquit\n' \
		>"$out/$c.script"
	"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --script "$out/$c.script" \
		--timeout 40 >"$out/$c.sim" 2>&1 &
	sim=$!
	wait_for "$out/$c.sipp" "in-dialog OPTIONS answered" 20
	kill -KILL $sipp 2>/dev/null
	wait $sipp 2>/dev/null
	wait $sim
	rs=$?
	cp "$out/isupgw.log" "$out/$c.log"
	[ $rs = 0 ] || bad $c "pstn-sim exited $rs"
	[ $rs = 0 ] && want $c sim "<- REL .*cause.cause=\(102\|41\)" &&
		want $c log "in-dialog OPTIONS answered \(408\|481\|503 twice\): the peer has lost the call" && ok $c
fi

# ---- overlap toward SIP (RFC 3578) ----

# collect: IAM 5012, SAM 345, SAM 67 -> 9 digits complete the number (length plan): one INVITE
c=i2s-overlap-collect
isup_to_sip $c uas-answer "expect signalling 30
call 5012 4930999
wait 1
sam 345
sam 67
expect ANSWER 10
release last 16
wait 1
quit"
selected $c && sipp_ok $c && want $c msg "INVITE sip:+49501234567@" && want $c sim "<- ACM" && ok $c

# collect: the inter-digit timer (X2, 4 s) ends the number
c=i2s-overlap-timer
isup_to_sip $c uas-answer "expect signalling 30
call 5099 4930999
sam 8
expect ANSWER 15
release last 16
wait 1
quit"
selected $c && sipp_ok $c && want $c msg "INVITE sip:+4950998@" && ok $c

# RFC 3578: INVITE with 6021, 484, SAM 555 -> a new INVITE with 6021555, same Call-ID and From tag
c=i2s-overlap-3578
isup_to_sip $c uas-overlap-484 "expect signalling 30
call 6021 4930999
wait 1
sam 555F
expect ANSWER 10
release last 16
wait 1
quit"
if selected $c && sipp_ok $c && want $c sipp "INVITE1 sip:+496021@" && want $c sipp "INVITE2 sip:+496021555@"; then
	t1=$(sed -n 's/^INVITE1 .* from-tag \([^ ]*\) .*/\1/p' "$out/$c.sipp")
	t2=$(sed -n 's/^INVITE2 .* from-tag \([^ ]*\) .*/\1/p' "$out/$c.sipp")
	c1=$(sed -n 's/^INVITE1 .* cseq \([0-9]*\) ;.*/\1/p' "$out/$c.sipp")
	c2=$(sed -n 's/^INVITE2 .* cseq \([0-9]*\) ;.*/\1/p' "$out/$c.sipp")
	if [ -n "$t1" ] && [ "$t1" = "$t2" ] && [ "$c1" != "$c2" ]; then
		want $c sim "<- ACM" && want $c sim "<- ANM" && ok $c
	else
		bad $c "From tag '$t1' / '$t2', CSeq $c1 / $c2: the second INVITE must keep the From tag, with a new CSeq"
	fi
fi

# ---- SIP -> ISUP (RFC 3666 s2: SIP to PSTN) ----

# pstn-sim saw no IAM in this case
no_iam() { ! grep -q -- "<- IAM" "$out/$1.sim" || { bad "$1" "an IAM went out"; return 1; }; }

# an INVITE over UDP with this many Via entries and extra header fields (SIPp cannot repeat a header),
# its final response's status line in CASE.raw, which must start with STATUS; pstn-sim sees no IAM
raw_invite() { # case vias pads status
	selected "$1" || return 0
	printf 'expect signalling 30\nwait 1\nquit\n' >"$out/$1.script"
	n0=$(gw_resumes)
	"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --script "$out/$1.script" \
		--timeout ${SIM_TIMEOUT:-30} >"$out/$1.sim" 2>&1 &
	sim=$!
	wait_gw_resume $n0
	python3 - "$P_SIP" "$P_UAC" "$2" "$3" >"$out/$1.raw" 2>&1 <<'PYEOF'
import socket, sys
port, lport, vias, pads = (int(a) for a in sys.argv[1:5])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", lport))
s.settimeout(5)
top = "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-raw-%d-%d\r\n" % (lport, vias, pads)
via = top + "".join("Via: SIP/2.0/UDP 192.0.2.%d:5060;branch=z9hG4bK-hop%d\r\n" % (i % 250 + 1, i)
                    for i in range(1, vias))
common = ("From: <sip:4930999888@127.0.0.1;user=phone>;tag=raw%d\r\nTo: <sip:777123@127.0.0.1;user=phone>\r\n"
          "Call-ID: raw-%d-%d@127.0.0.1\r\n" % (vias, vias, pads))
inv = ("INVITE sip:777123@127.0.0.1:%d;user=phone SIP/2.0\r\n" % port + via + common + "CSeq: 1 INVITE\r\n"
       "Contact: <sip:raw@127.0.0.1:%d>\r\nMax-Forwards: 70\r\n" % lport
       + "".join("X-Pad-%d: %d\r\n" % (i, i) for i in range(pads)) + "Content-Length: 0\r\n\r\n")
s.sendto(inv.encode(), ("127.0.0.1", port))
try:
    while True:
        line = s.recv(65536).decode(errors="replace").split("\r\n", 1)[0]
        if not line.startswith("SIP/2.0 1"):
            break
except socket.timeout:
    line = "no final response"
print(line)
if line.startswith("SIP/2.0 "):
    s.sendto(("ACK sip:777123@127.0.0.1:%d;user=phone SIP/2.0\r\n" % port + top + common + "CSeq: 1 ACK\r\n"
              "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n").encode(), ("127.0.0.1", port))
PYEOF
	wait $sim
	[ $? = 0 ] || { bad "$1" "pstn-sim exited"; return; }
	want "$1" raw "^SIP/2.0 $4" && no_iam "$1" && ok "$1"
}

c=s2i-answered
sip_to_isup $c uac-answer +4930123456 "auto answer
expect signalling 30
expect RELEASE 15
wait 1
quit"
selected $c && sipp_ok $c && want $c sim "<- IAM .*cdpn.nai=3 .*cdpn.digits=30123456" &&
	want $c sim "cgpn.nai=3 .*cgpn.apri=0 cgpn.si=3 cgpn.digits=4930999888" && want $c sim "-> ACM" && want $c sim "-> ANM" &&
	want $c sim "<- REL .*cause.cause=16" && want $c sim "hop.count=20" && ok $c

# RFC 3578 s4: the caller dials in overlap: INVITE +4930123, then +4930123456 -> IAM 30123, SAM 456;
# the first INVITE gets 484, the second the answer
c=s2i-overlap
sip_to_isup $c uac-overlap +4930123 "expect signalling 30
expect MORE_DIGITS 15
alert last
answer last
expect RELEASE 15
wait 1
quit" "-key more 456"
selected $c && sipp_ok $c && want $c sim "<- IAM .*cdpn.digits=30123" && want $c sim "<- SAM .*sn.digits=456" &&
	want $c sim "-> ANM" && want $c sipp "484 for CSeq 1 INVITE" && want $c sipp "200 for CSeq 2 INVITE" && ok $c

# RFC 3262 / RFC 4028 / RFC 3311 from a caller that requires 100rel: the 180 (with our SDP) is reliable,
# the 200 waits for its PRACK and carries no SDP (RFC 3262 s3, s5) but the session timer (refresher uac);
# an UPDATE refresh is answered; an UPDATE with sendonly SDP holds the call -> recvonly, CPG remote hold
c=s2i-100rel
sip_to_isup $c uac-100rel 4930123456 "auto answer
expect signalling 30
expect RELEASE 15
wait 1
quit"
selected $c && sipp_ok $c && want $c sipp "180 Require: *100rel RSeq: *[0-9]" &&
	want $c sipp "first 200 after PRACK is for PRACK" &&
	want $c sipp "second 200 is for INVITE ; Session-Expires: *600;refresher=uac Require: *timer Content-Length: *0" &&
	want $c sipp "UPDATE refresh answered: Session-Expires: *600;refresher=uac" &&
	want $c sipp "UPDATE hold answered with recvonly" && want $c sim "<- CPG .*gni.notification=121" && ok $c

# 100rel required for a peer: an INVITE without 100rel gets 421 with Require: 100rel (RFC 3262 s4)
c=s2i-100rel-required
if selected $c; then
	vty_cmd "enable
configure terminal
sip-peer far
100rel required
end" >"$out/$c.vty"
	sip_to_isup $c uac-reject-421 4930123456 "expect signalling 30
wait 1
quit"
	vty_cmd "enable
configure terminal
sip-peer far
100rel supported
end" >>"$out/$c.vty"
	sipp_ok $c && want $c sipp "421 Require: *100rel" && ok $c
fi

# RFC 3398 s7.2.4.1: REL cause 22 (number changed) whose diagnostic holds the new number (Q.931 called
# party number element: national, 30555666) -> 301 with the new number in Contact
c=s2i-number-changed
sip_to_isup $c uac-reject-301 4930123456 "expect signalling 30
expect SETUP 15
release last 22 7009a13330353535363636
wait 1
quit"
selected $c && sipp_ok $c && want $c sipp "301 Reason: *Q.850;cause=22 Contact: *<sip:+4930555666@127.0.0.1;user=phone>" && ok $c

# RFC 3398 s7.2.4.1 / Q.764 2.10.2: REL cause 44 (requested circuit not available) -> the IAM again on
# another circuit, and the call completes there
c=s2i-cause44-retry
sip_to_isup $c uac-answer 4930123456 "expect signalling 30
expect SETUP 15
release last 44
expect SETUP 15
alert last
answer last
expect RELEASE 15
wait 1
quit"
if selected $c && sipp_ok $c && want $c sim "-> REL .*cause.cause=44" && want $c sim "-> ANM"; then
	cics=$(grep "<- IAM" "$out/$c.sim" | sed 's/.* cic=\([0-9]*\).*/\1/' | sort -u | wc -l)
	[ "$cics" = 2 ] && ok $c || bad $c "the repeated IAM must take another circuit (IAMs on $cics CICs)"
fi

c=s2i-pstn-hangup
sip_to_isup $c uac-answer-hangup 4930123456 "auto answer
expect signalling 30
expect SETUP 15
wait 1
release last 16
wait 1
quit"
selected $c && sipp_ok $c && want $c sim "-> REL .*cause.cause=16" && want $c sim "<- RLC" &&
	want $c sipp "BYE Reason: Q.850;cause=16" && ok $c

c=s2i-busy
sip_to_isup $c uac-reject-486 4930123456 "auto release 17
expect signalling 30
expect SETUP 15
wait 1
quit"
selected $c && sipp_ok $c && want $c sim "-> REL .*cause.cause=17" && want $c sipp "486 Reason: Q.850;cause=17" && ok $c

c=s2i-unavailable
sip_to_isup $c uac-reject-480 4930123456 "auto release 20
expect signalling 30
expect SETUP 15
wait 1
quit"
selected $c && sipp_ok $c && want $c sim "-> REL .*cause.cause=20" && ok $c

c=s2i-congestion
sip_to_isup $c uac-reject-503 4930123456 "auto release 34
expect signalling 30
expect SETUP 15
wait 1
quit"
selected $c && sipp_ok $c && want $c sim "-> REL .*cause.cause=34" && ok $c

c=s2i-cancel
sip_to_isup $c uac-cancel 4930123456 "auto alert
expect signalling 30
expect RELEASE 15
wait 1
quit"
selected $c && sipp_ok $c && want $c sim "-> ACM" && want $c sim "<- REL .*cause.cause=16" && ok $c

# the peer far is 127.0.0.1 over UDP: the same address over TCP is not far, and no other peer takes it: 403
# before any IAM, logged, counted for far (show sip peers: refused)
c=s2i-peer-wrong-transport
sip_to_isup $c uac-reject-403 4930123456 "expect signalling 30
wait 1
quit" "-t t1"
if selected $c; then
	cp "$out/isupgw.log" "$out/$c.log"
	vty_cmd "show sip peers" >"$out/$c.vty"
	sipp_ok $c && want $c log "port [0-9]* over tcp: the address of sip-peer far, which calls from 127.0.0.1 any port udp only: 403" &&
		want $c vty "^far .* 1 *\$" && want $c vty "calls in from: 127.0.0.1 any port udp" &&
		! grep -q -- "-> IAM" "$out/$c.sim" && ok $c
fi

c=s2i-no-route
sip_to_isup $c uac-reject-404 777123 "expect signalling 30
wait 1
quit"
selected $c && sipp_ok $c && want $c sipp "404 Reason: Q.850;cause=3" && ok $c

c=s2i-bad-number
sip_to_isup $c uac-reject-484 49abc "expect signalling 30
wait 1
quit"
selected $c && sipp_ok $c && ok $c

# RFC 3264 s6 / RFC 3261 s13.3.1.1, s21.4.26: an offer the gateway cannot answer gets 488 with a Warning
# saying why (s20.43), and no circuit is seized: pstn-sim sees no IAM
c=s2i-sdp-garbage
sip_to_isup $c uac-reject-488-garbage 4930123456 "expect signalling 30
wait 1
quit"
selected $c && sipp_ok $c && want $c sipp "488 Warning: *399 isupgw \"SDP offer not parseable\"" && no_iam $c && ok $c

c=s2i-sdp-g729
sip_to_isup $c uac-reject-488-g729 4930123456 "expect signalling 30
wait 1
quit"
selected $c && sipp_ok $c && want $c sipp "488 Warning: *305 isupgw \"neither PCMA nor PCMU offered\"" && no_iam $c &&
	ok $c

# RFC 3204 s3.1 / RFC 3261 s20.11: an ISUP part with handling=required that the trunk cannot use fails the
# INVITE: another ISUP variant -> 415 with an Accept naming the trunk's (s21.4.13), octets that are no ISUP
# message -> 400; no IAM either way (SIP-T is on for the peer for these two cases)
for st in 415 400; do
	c=s2i-sipt-required-$st
	selected $c || continue
	vty_cmd "enable
configure terminal
sip-peer far
sip-t optional
end" >"$out/$c.vty"
	sip_to_isup $c uac-reject-sipt-$st 4930123456 "expect signalling 30
wait 1
quit"
	vty_cmd "enable
configure terminal
sip-peer far
sip-t off
end" >>"$out/$c.vty"
	sipp_ok $c && no_iam $c || continue
	if [ $st = 415 ]; then
		want $c sipp "415 Accept:.*application/ISUP;version=itu-t92+" && ok $c
	else
		want $c sipp "400 Accept:.*Warning: *399 isupgw" && ok $c
	fi
done

# RFC 3261 s16.6, s20.22: more Via entries than the 70 hops Max-Forwards allows -> 483 before any call is
# made (70 still go through, to the 404 of an unrouted number); more than 200 header fields -> 400
raw_invite s2i-via-71 71 0 483
raw_invite s2i-via-70 70 0 404
raw_invite s2i-headers-250 1 250 400
raw_invite s2i-headers-150 1 150 404

# Admission control (docs/architecture.md, Overload): with a fixed limit of one new call per second, of two
# IAMs 100 ms apart the second gets REL cause 42 at once (no ACL: a configured limit is no congestion), and
# of two INVITEs the second gets 503 with Retry-After and Reason cause 42; the first of each goes on
ovl_limit() { # max-call-rate
	vty_cmd "enable
configure terminal
gateway
overload max-call-rate $1
end"
}
c=i2s-overload
if selected $c; then
	ovl_limit 1 >"$out/$c.vty"
	isup_to_sip $c uas-busy "expect signalling 30
call 301234567
call 301234567
expect RELEASE 10
expect RELEASE 10
wait 1
quit"
	ovl_limit 0 >>"$out/$c.vty"
	sipp_ok $c && want $c sim "<- REL .*cause.cause=17" && want $c sim "<- REL .*cause.cause=42" &&
		want_not $c sim "<- REL .*acl" && want_count $c sim "-> IAM" 2 && ok $c
fi
c=s2i-overload
if selected $c; then
	ovl_limit 1 >"$out/$c.vty"
	printf '%s\n' "auto release 34
expect signalling 30
expect SETUP 15
wait 2
quit" >"$out/$c.script"
	n0=$(gw_resumes)
	"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --script "$out/$c.script" \
		--timeout ${SIM_TIMEOUT:-30} >"$out/$c.sim" 2>&1 &
	sim=$!
	wait_gw_resume $n0
	"$SIPP" -sf "$here/sipp/uac-overload-503.xml" -s 4930123456 -key caller 4930999888 -i 127.0.0.1 -p $P_UAC \
		-m 2 -r 10 -timeout ${SIPP_TIMEOUT:-20} -timeout_error -trace_logs -log_file "$out/$c.sipp" \
		127.0.0.1:$P_SIP >/dev/null 2>"$out/$c.sipperr"
	SIPP_RC=$?
	wait $sim
	ovl_limit 0 >>"$out/$c.vty"
	sipp_ok $c && want $c sipp "503 Reason:.*cause=34 Retry-After: *$" &&
		want $c sipp "503 Reason:.*cause=42 Retry-After: *10$" && want_count $c sim "<- IAM" 1 && ok $c
fi

# RFC 3261 s22.4: a peer with inbound credentials; SIPp's INVITE is challenged (401, our realm, qop=auth),
# its second INVITE answers with SIPp's own digest code and goes through to the PSTN (which rejects: 503)
c=s2i-digest
if selected $c; then
	vty_cmd "enable
configure terminal
sip-peer far
authenticate-inbound alice s3cret
end" >"$out/$c.vty"
	sip_to_isup $c uac-auth-503 4930123456 "auto release 34
expect signalling 30
expect SETUP 15
wait 1
quit"
	vty_cmd "enable
configure terminal
sip-peer far
no authenticate-inbound
end" >>"$out/$c.vty"
	sipp_ok $c && want $c sipp 'WWW-Authenticate: *Digest realm="isupgw", nonce="[0-9a-f.]*", qop="auth"' &&
		want $c sipp "503 Reason:.*cause=34" && want_count $c sim "<- IAM" 1 && ok $c
fi

gw_stop
echo "e2e: $pass passed, $fail failed${failed:+ (failed:$failed)}"
[ $fail = 0 ]
