#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The real isupgw between pstn-sim (ISUP over M3UA/TCP, pstn-sim as the SG) and SIPp, on 127.0.0.1:
# the RFC 3666 call flows both ways (answered, release from each side, busy, unavailable, CANCEL, early
# media, no route, bad number). Every ISUP message is checked on pstn-sim's ladder, every SIP outcome by
# SIPp's exit status and what its scenario logged.
# Usage: gw-e2e.sh [OUTDIR] [CASE...]   (exit status 0 when every case passed)
GW=${GW:-../gateway/isupgw}
SIM=${SIM:-./sim/pstn-sim}
SIPP=${SIPP:-sipp}
here=${srcdir:-.}/e2e
out=${1:-e2e-out}
[ $# -gt 0 ] && shift
only="$*"
mkdir -p "$out"
rm -f "$out"/*.log "$out"/*.out "$out"/*.msg

if ! command -v "$SIPP" >/dev/null 2>&1; then
	echo "SKIP: sipp (Debian sip-tester) not installed"
	exit 77
fi

# ports from the pid so parallel runs do not meet: M3UA, our SIP, SIPp UAS, SIPp UAC, VTY
base=$((31000 + ($$ % 400) * 10))
P_M3UA=$base; P_SIP=$((base + 1)); P_UAS=$((base + 2)); P_UAC=$((base + 3)); P_VTY=$((base + 4))
cat >"$out/isupgw.cfg" <<EOF
log stderr
 logging filter all 1
 logging color 0
 logging print category 1
 logging timestamp 0
 logging level set-all notice
 logging level call info
line vty
 bind 127.0.0.1 $P_VTY
cs7
 as pstn override routing-context 1
 asp pstn0 as pstn remote 127.0.0.1 $P_M3UA tcp
 route 2-2-2 as pstn
isup
 trunk pstn
  variant itu
  local-point-code 1-1-1
  remote-point-code 2-2-2
  cic-range 1 31
sip
 local sip:127.0.0.1:$P_SIP
 media-address 127.0.0.1
sip-peer far
 remote 127.0.0.1 $P_UAS udp
 country-code 49
 uri-host 127.0.0.1
 trusted
 allow-source 127.0.0.1
gateway
 route isup-to-sip 3 peer far
 route isup-to-sip 4 peer far
 route sip-to-isup 49 trunk pstn
 route sip-to-isup 3 trunk pstn
EOF

"$GW" -c "$out/isupgw.cfg" >"$out/isupgw.log" 2>&1 &
gw=$!
trap 'kill $gw 2>/dev/null' EXIT INT TERM

pass=0
fail=0
failed=""
ok() { pass=$((pass + 1)); echo "PASS: $1"; }
bad() { fail=$((fail + 1)); failed="$failed $1"; echo "FAIL: $1: $2"; }
want() { # case file regexp
	grep -q -- "$3" "$out/$1.$2" || { bad "$1" "no '$3' in $1.$2"; return 1; }
}

selected() { [ -z "$only" ] || echo " $only " | grep -q " $1 "; }

sim_run() { # case script-text
	printf '%s\n' "$2" >"$out/$1.script"
	"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --script "$out/$1.script" \
		--timeout 30 >"$out/$1.sim" 2>&1
}

# ISUP -> SIP: SIPp answers as the callee, pstn-sim places the call
isup_to_sip() { # case uas-scenario sim-script
	selected "$1" || return 0
	"$SIPP" -sf "$here/sipp/$2.xml" -i 127.0.0.1 -p $P_UAS -m 1 -timeout 20 -timeout_error \
		-trace_msg -message_file "$out/$1.msg" -trace_logs -log_file "$out/$1.sipp" \
		>/dev/null 2>"$out/$1.sipperr" &
	sipp=$!
	sim_run "$1" "$3"
	rs=$?
	wait $sipp
	rp=$?
	[ $rs = 0 ] || { bad "$1" "pstn-sim exited $rs"; return; }
	SIPP_RC=$rp
}

# SIP -> ISUP: pstn-sim is the callee (its script says how it answers), SIPp places the call
sip_to_isup() { # case uac-scenario called sim-script
	selected "$1" || return 0
	printf '%s\n' "$4" >"$out/$1.script"
	"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --script "$out/$1.script" \
		--timeout 30 >"$out/$1.sim" 2>&1 &
	sim=$!
	for i in $(seq 100); do
		grep -q "signalling up" "$out/$1.sim" 2>/dev/null && break
		sleep 0.1
	done
	sleep 0.3
	"$SIPP" -sf "$here/sipp/$2.xml" -s "$3" -key caller 4930999888 -i 127.0.0.1 -p $P_UAC -m 1 -timeout 20 \
		-timeout_error -trace_msg -message_file "$out/$1.msg" -trace_logs -log_file "$out/$1.sipp" \
		127.0.0.1:$P_SIP >/dev/null 2>"$out/$1.sipperr"
	SIPP_RC=$?
	wait $sim
	rs=$?
	[ $rs = 0 ] || { bad "$1" "pstn-sim exited $rs"; return; }
}

sipp_ok() { [ "$SIPP_RC" = 0 ] || { bad "$1" "sipp exited $SIPP_RC"; return 1; }; }

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

c=i2s-cancel
isup_to_sip $c uas-cancel "expect signalling 30
call 301234567 4930999
expect ALERTING 10
wait 1
release last 16
wait 1
quit"
selected $c && sipp_ok $c && want $c sim "<- RLC" && want $c sipp "CANCEL Reason: Q.850;cause=16" && ok $c

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
call 9999
expect RELEASE 10
wait 1
quit" && want $c sim "<- REL .*cause.cause=3" && ok $c
fi

# ---- SIP -> ISUP (RFC 3666 s2: SIP to PSTN) ----

c=s2i-answered
sip_to_isup $c uac-answer +4930123456 "auto answer
expect signalling 30
expect RELEASE 15
wait 1
quit"
selected $c && sipp_ok $c && want $c sim "<- IAM .*cdpn.nai=3 .*cdpn.digits=30123456" &&
	want $c sim "cgpn.nai=3 .*cgpn.apri=0 cgpn.si=3 cgpn.digits=4930999888" && want $c sim "-> ACM" && want $c sim "-> ANM" &&
	want $c sim "<- REL .*cause.cause=16" && want $c sim "hop.count=20" && ok $c

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

kill -TERM $gw 2>/dev/null
wait $gw
grc=$?
[ $grc = 0 ] || bad shutdown "isupgw exited $grc on SIGTERM"
grep -q "isupgw stopped" "$out/isupgw.log" || bad shutdown "no clean stop in the log"
trap - EXIT INT TERM
echo "e2e: $pass passed, $fail failed${failed:+ (failed:$failed)}"
[ $fail = 0 ]
