# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the end-to-end scripts (sourced): ports, the gateway's configuration and process, the
# pstn-sim and SIPp runners, and pass/fail bookkeeping. Callers set out= and only= first.
GW=${GW:-../gateway/isupgw}
SIM=${SIM:-./sim/pstn-sim}
SIPP=${SIPP:-sipp}
mkdir -p "$out"
rm -f "$out"/*.log "$out"/*.out "$out"/*.msg "$out"/*.sim "$out"/*.sipp

if ! command -v "$SIPP" >/dev/null 2>&1; then
	echo "SKIP: sipp (Debian sip-tester) not installed"
	exit 77
fi

# a block of 20 ports that no other run holds (tests/ports.sh): M3UA, our SIP, SIPp UAS, SIPp UAC, VTY,
# a dead SIP peer (5); the media test takes 6-19
. "$here/../ports.sh"
port_block || exit 99
base=$PORT_BASE
P_M3UA=$base; P_SIP=$((base + 1)); P_UAS=$((base + 2)); P_UAC=$((base + 3)); P_VTY=$((base + 4))
P_DEAD=$((base + 5))	# nothing listens there: a dead SIP peer
# the cs7 section: pstn-sim as the SG over TCP, unless the caller has defined gw_cs7 (tests/vm/m3ua-stp.sh:
# the gateway as an ASP of an STP over SCTP)
command -v gw_cs7 >/dev/null 2>&1 || gw_cs7() {
	cat <<CS7
 as pstn override routing-context 1
 asp pstn0 as pstn remote 127.0.0.1 $P_M3UA tcp
 asp pstn0 reconnect-backoff 1
 route 2-2-2 as pstn
CS7
}
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
$(gw_cs7)
isup
 trunk pstn
  variant itu
  local-point-code 1-1-1
  remote-point-code 2-2-2
  cic-range 1 31
sip
 local sip:127.0.0.1:$P_SIP
 media-address 127.0.0.1
 transaction-timeout 2000
sip-peer far
 remote 127.0.0.1 $P_UAS udp
 country-code 49
 uri-host 127.0.0.1
 trusted
 allow-source 127.0.0.1
sip-peer dead
 remote 127.0.0.1 $P_DEAD udp
 options-keepalive 1
sip-peer dead2
 remote 127.0.0.1 $P_DEAD udp
sip-peer self
 remote 127.0.0.1 $P_SIP udp
 options-keepalive 1
sip-peer watched
 remote 127.0.0.1 $P_UAS udp
 country-code 49
 uri-host 127.0.0.1
 dialog-keepalive 1
sip-peer authed
 remote 127.0.0.1 $P_UAS udp
 country-code 49
 uri-host 127.0.0.1
 auth-credentials isupgw.test gwuser gwsecret
gateway
 route isup-to-sip 3 peer far
 route isup-to-sip 4 peer far
 route isup-to-sip 5 peer far
 route isup-to-sip 5 overlap collect
 route isup-to-sip 5 length 3 9
 route isup-to-sip 6 peer far
 route isup-to-sip 6 overlap rfc3578
 route isup-to-sip 6 length 4 0
 route isup-to-sip 7 peer dead far
 route isup-to-sip 8 peer dead2 far
 route isup-to-sip 9 peer authed
 route isup-to-sip 11 peer watched
 route sip-to-isup 49 trunk pstn
 route sip-to-isup 49 length 0 10
 route sip-to-isup 3 trunk pstn
EOF

. "$here/vty.sh"

# the gateway, ready once its VTY and SIP sockets listen
gw_start() {
	"$GW" -c "$out/isupgw.cfg" >"$out/isupgw.log" 2>&1 &
	gw=$!
	trap 'kill $gw 2>/dev/null' EXIT INT TERM
	wait_tcp_listen $P_VTY && wait_udp_port $P_SIP || echo "isupgw is not listening on $P_VTY/$P_SIP" >&2
}

# SIGTERM: the gateway must stop cleanly (and, under ASan, without leaks)
gw_stop() {
	kill -TERM $gw 2>/dev/null
	wait $gw
	grc=$?
	[ $grc = 0 ] || bad shutdown "isupgw exited $grc on SIGTERM"
	grep -q "isupgw stopped" "$out/isupgw.log" || bad shutdown "no clean stop in the log"
	trap - EXIT INT TERM
}

pass=0
fail=0
failed=""
ok() { pass=$((pass + 1)); echo "PASS: $1"; }
bad() { fail=$((fail + 1)); failed="$failed $1"; echo "FAIL: $1: $2"; }
want() { # case file regexp
	grep -q -- "$3" "$out/$1.$2" || { bad "$1" "no '$3' in $1.$2"; return 1; }
}

want_not() { # case file regexp
	! grep -q -- "$3" "$out/$1.$2" || { bad "$1" "'$3' in $1.$2"; return 1; }
}
want_count() { # case file regexp count
	n=$(grep -c -- "$3" "$out/$1.$2")
	[ "$n" = "$4" ] || { bad "$1" "$n lines '$3' in $1.$2, not $4"; return 1; }
}

selected() { [ -z "$only" ] || echo " $only " | grep -q " $1 "; }

# SIPp answering COUNT calls in the background ($sipp), ready when this returns
uas_bg() { # case scenario count [extra SIPp arguments]
	"$SIPP" -sf "$here/sipp/$2.xml" -i 127.0.0.1 -p $P_UAS -m $3 -timeout 60 $4 -trace_logs \
		-log_file "$out/$1.sipp" >/dev/null 2>"$out/$1.sipperr" &
	sipp=$!
	wait_udp_port $P_UAS
}

# pstn-sim with this script in the background ($sim)
sim_bg() { # case script-text [timeout]
	printf '%s\n' "$2" >"$out/$1.script"
	"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --script "$out/$1.script" \
		--timeout ${3:-90} >"$out/$1.sim" 2>&1 &
	sim=$!
}

sim_run() { # case script-text
	printf '%s\n' "$2" >"$out/$1.script"
	"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --script "$out/$1.script" \
		--timeout ${SIM_TIMEOUT:-30} >"$out/$1.sim" 2>&1
}

# the gateway's trunk toward pstn-sim is usable once its ASP is active: it logs MTP-RESUME. A case that
# starts a new pstn-sim counts them first and waits for one more.
gw_resumes() { grep -c "MTP-RESUME" "$out/isupgw.log" 2>/dev/null || true; }
wait_gw_resume() { # count-before
	end=$(($(uptime_s) + 30))
	while [ "$(uptime_s)" -le $end ]; do
		[ "$(gw_resumes)" -gt "$1" ] && return 0
		sleep 0.1
	done
	echo "the gateway's trunk did not resume within 30 s" >&2
	return 1
}

# ISUP -> SIP: SIPp answers as the callee, pstn-sim places the call
isup_to_sip() { # case uas-scenario sim-script
	selected "$1" || return 0
	"$SIPP" -sf "$here/sipp/$2.xml" -i 127.0.0.1 -p $P_UAS -m 1 -timeout ${SIPP_TIMEOUT:-20} -timeout_error \
		-trace_msg -message_file "$out/$1.msg" -trace_logs -log_file "$out/$1.sipp" \
		>/dev/null 2>"$out/$1.sipperr" &
	sipp=$!
	wait_udp_port $P_UAS
	sim_run "$1" "$3"
	rs=$?
	wait $sipp
	rp=$?
	[ $rs = 0 ] || { bad "$1" "pstn-sim exited $rs"; return; }
	SIPP_RC=$rp
}

# SIP -> ISUP: pstn-sim is the callee (its script says how it answers), SIPp places the call
sip_to_isup() { # case uac-scenario called sim-script [extra SIPp arguments]
	selected "$1" || return 0
	printf '%s\n' "$4" >"$out/$1.script"
	n0=$(gw_resumes)
	"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --script "$out/$1.script" \
		--timeout ${SIM_TIMEOUT:-30} >"$out/$1.sim" 2>&1 &
	sim=$!
	wait_gw_resume $n0
	"$SIPP" -sf "$here/sipp/$2.xml" -s "$3" $5 -key caller 4930999888 -i 127.0.0.1 -p $P_UAC -m 1 -timeout ${SIPP_TIMEOUT:-20} \
		-timeout_error -trace_msg -message_file "$out/$1.msg" -trace_logs -log_file "$out/$1.sipp" \
		127.0.0.1:$P_SIP >/dev/null 2>"$out/$1.sipperr"
	SIPP_RC=$?
	wait $sim
	rs=$?
	[ $rs = 0 ] || { bad "$1" "pstn-sim exited $rs"; return; }
}

sipp_ok() { [ "$SIPP_RC" = 0 ] || { bad "$1" "sipp exited $SIPP_RC"; return 1; }; }

