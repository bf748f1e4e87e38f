#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# M3UA over kernel SCTP through osmo-stp (runs in the test VM, tests/vm/guest.sh): osmo-stp is the
# STP/SG; isupgw (1-1-1, local 127.0.0.1, routing context 1) and pstn-sim (2-2-2, local 127.0.0.2,
# routing context 2) are its static ASPs, routed by DPC. Through it: circuit group reset (GRS) from
# pstn-sim, a call ISUP -> SIP (SIPp answers) and SIP -> ISUP, group blocking (CGB/CGU) from each side
# with a call placed while the odd circuits are blocked, and `show cs7 asp` with the association's state.
# dumpcap captures the SCTP on lo (sctp.pcap), the gateway writes its DLT_MTP3 trace (gw-trace.pcap);
# tests/vm/m3ua-stp-check.sh decodes both on the host.
#   m3ua-stp.sh OUTDIR
here=${srcdir:-.}/e2e
out=${1:-vm-out/m3ua-stp}
only=""
# the gateway's cs7 section (e2e-lib.sh writes the rest of its configuration): one ASP of the STP
gw_cs7() {
	cat <<CS7
 as stp override routing-context 1
 asp stp0 as stp remote 127.0.0.1 $((base + 6)) sctp
 asp stp0 local 127.0.0.1 0
 asp stp0 reconnect-backoff 1
 route 2-2-2 as stp
 trace pcap $out/gw-trace.pcap
CS7
}
. "$here/e2e-lib.sh"
. "$here/capture.sh"
STP=${OSMO_STP:-osmo-stp}
command -v "$STP" >/dev/null || { echo "SKIP: no osmo-stp (Debian osmo-stp)"; exit 77; }
[ -r /proc/net/sctp/eps ] || { echo "FAIL: this kernel has no SCTP loaded"; exit 1; }
P_STP=$((base + 6))
P_STP_VTY=$((base + 7))
rm -f "$out"/*.pcap "$out"/*.vty "$out"/*.script
echo "$P_STP" >"$out/stp-port"	# for the host's check: the STP's end of both associations

# osmo-stp's point codes in its default 3.8.3 format: 1.1.1 is isupgw's 1-1-1. Each ASP is known by the
# address it connects from; its AS by its routing key (routing context and DPC).
cat >"$out/osmo-stp.cfg" <<CFG
log stderr
 logging filter all 1
 logging color 0
 logging print category 1
 logging timestamp 1
 logging level set-all notice
line vty
 bind 127.0.0.1 $P_STP_VTY
cs7 instance 0
 point-code 7.7.7
 asp gw 0 $P_STP m3ua
  remote-ip 127.0.0.1
 asp sim 0 $P_STP m3ua
  remote-ip 127.0.0.2
 as gw m3ua
  asp gw
  routing-key 1 1.1.1
 as sim m3ua
  asp sim
  routing-key 2 2.2.2
 route-table system
  update route 1.1.1 7.255.7 linkset gw
  update route 2.2.2 7.255.7 linkset sim
 listen m3ua $P_STP
  local-ip 127.0.0.1
  accept-asp-connections pre-configured
CFG

stp=""
sim=""
cleanup() {
	[ -n "$sim" ] && kill "$sim" 2>/dev/null
	[ -n "$gw" ] && kill "$gw" 2>/dev/null
	[ -n "$stp" ] && kill "$stp" 2>/dev/null
	[ -n "$capture" ] && kill "$capture" 2>/dev/null
}
trap cleanup EXIT INT TERM

# an SCTP socket listening on a port (the listening endpoints in /proc/net/sctp/eps)
wait_sctp_listen() {
	end=$(($(uptime_s) + 10))
	while [ "$(uptime_s)" -le $end ]; do
		awk -v p="$1" 'NR > 1 && $6 == p { f = 1 } END { exit !f }' /proc/net/sctp/eps && return 0
		sleep 0.1
	done
	return 1
}

# dumpcap (tshark starts slowly in the VM); decoded on the host afterwards
TSHARK=$(command -v dumpcap)
capture_start "sctp" "$out/sctp.pcap" 300

"$STP" -c "$out/osmo-stp.cfg" >"$out/osmo-stp.log" 2>&1 &
stp=$!
wait_sctp_listen $P_STP || { bad stp "osmo-stp does not listen on SCTP port $P_STP"; exit 1; }

# pstn-sim as the second ASP: one process for every case, each step waiting for the test's SIGUSR1
cat >"$out/sim.script" <<SCRIPT
auto answer
expect signalling 60
expect USR1 120
reset
expect USR1 120
call 301234567 4930999
expect ANSWER 30
wait 1
release last 16
expect USR1 120
send CGB cic=1 cgsmt.type=0 rs.range=30 rs.status=55555555
expect USR1 120
send CGU cic=1 cgsmt.type=0 rs.range=30 rs.status=55555555
expect USR1 120
quit
SCRIPT
"$SIM" --name S --connect 127.0.0.1 --port $P_STP --sctp --local 127.0.0.2 --rc 2 --opc 2-2-2 --dpc 1-1-1 \
	--script "$out/sim.script" --timeout 180 >"$out/sim.out" 2>&1 &
sim=$!
wait_for "$out/sim.out" "event: signalling up" 60 || { bad sim-up "pstn-sim's ASP did not become active"; exit 1; }

gw_start
wait_gw_resume 0 || { bad gw-up "the gateway's route to 2-2-2 did not resume"; exit 1; }
next() { kill -USR1 "$sim"; }
# the cases follow one another on the same associations and the same pstn-sim: when one does not get
# what it waits for, the rest would only wait too
finish() {
	echo "$pass passed, $fail failed${failed:+ ($failed)}"
	[ $fail = 0 ]
	exit
}
# step CASE REGEXP SECONDS: until a line of pstn-sim's output since the case's mark ($m) matches. Bounded
# by the clock (tests/ports.sh).
step() {
	end=$(($(uptime_s) + $3))
	while [ "$(uptime_s)" -le $end ]; do
		tail -n +$((m + 1)) "$out/sim.out" | grep -q -- "$2" && return 0
		sleep 0.1
	done
	bad "$1" "no '$2' from pstn-sim within $3 s"
	part "$1" "$m"
	finish
}

# the lines of the sim's ladder from here on: each case checks its own part
mark() { wc -l <"$out/sim.out"; }
part() { # case from-line
	tail -n +"$(($2 + 1))" "$out/sim.out" >"$out/$1.sim"
}

c=grs
m=$(mark)
next
step $c "<- GRA" 30
part $c $m
want $c sim "-> GRS cic=1 " && want $c sim "<- GRA cic=1 " && ok $c

c=i2s-answered
m=$(mark)
"$SIPP" -sf "$here/sipp/uas-answer.xml" -i 127.0.0.1 -p $P_UAS -m 1 -timeout 30 -timeout_error \
	-trace_msg -message_file "$out/$c.msg" -trace_logs -log_file "$out/$c.sipp" >/dev/null 2>"$out/$c.sipperr" &
sipp=$!
wait_udp_port $P_UAS
next
wait $sipp
SIPP_RC=$?
step $c "<- RLC" 30
part $c $m
sipp_ok $c && want $c sim "-> IAM " && want $c sim "<- ACM " && want $c sim "<- ANM" && want $c sim "-> REL " &&
	want $c sim "<- RLC" && ok $c

c=s2i-answered
m=$(mark)
"$SIPP" -sf "$here/sipp/uac-answer.xml" -s +4930123456 -key caller 4930999888 -i 127.0.0.1 -p $P_UAC -m 1 \
	-timeout 30 -timeout_error -trace_msg -message_file "$out/$c.msg" 127.0.0.1:$P_SIP >/dev/null 2>"$out/$c.sipperr"
SIPP_RC=$?
step $c "-> RLC" 30
part $c $m
sipp_ok $c && want $c sim "<- IAM .*cdpn.digits=30123456" && want $c sim "-> ACM" && want $c sim "-> ANM" &&
	want $c sim "<- REL .*cause.cause=16" && want $c sim "-> RLC" && ok $c

# pstn-sim blocks the odd circuits; a call toward ISUP takes an even one; then unblocks them
c=cgb-far
m=$(mark)
next
step $c "<- CGBA" 30
"$SIPP" -sf "$here/sipp/uac-answer.xml" -s +4930123457 -key caller 4930999888 -i 127.0.0.1 -p $P_UAC -m 1 \
	-timeout 30 -timeout_error -trace_msg -message_file "$out/$c.msg" 127.0.0.1:$P_SIP >/dev/null 2>"$out/$c.sipperr"
SIPP_RC=$?
step $c "-> RLC" 30
next
step $c "<- CGUA" 30
part $c $m
sipp_ok $c && want $c sim "-> CGB cic=1 " && want $c sim "<- CGBA cic=1 " &&
	want $c sim "<- IAM cic=[0-9]*[02468] .*cdpn.digits=30123457" && want $c sim "-> CGU cic=1 " &&
	want $c sim "<- CGUA cic=1 " && ok $c

# the gateway blocks and unblocks a group from its VTY: pstn-sim acknowledges through the STP
c=cgb-gw
m=$(mark)
vty_cmd "enable
isup trunk pstn block group 5 3 maintenance" >"$out/$c.vty"
step $c "-> CGBA cic=5 " 30
vty_cmd "enable
isup trunk pstn unblock group 5 3 maintenance" >>"$out/$c.vty"
step $c "-> CGUA cic=5 " 30
part $c $m
want $c sim "<- CGB cic=5 " && want $c sim "-> CGBA cic=5 " && want $c sim "<- CGU cic=5 " &&
	want $c sim "-> CGUA cic=5 " && ok $c

# show cs7 asp: the association's state, its paths (the STP's addresses) and the primary
c=show-asp
vty_cmd "show cs7 asp" >"$out/$c.vty"
cat "$out/$c.vty"
want $c vty "stp0 .*ACTIVE .*127.0.0.1:$P_STP/sctp" && want $c vty "sctp ESTABLISHED" &&
	want $c vty "primary 127.0.0.1:$P_STP" && want $c vty "path 127.0.0.1:$P_STP .*active" && ok $c

next
wait $sim
rs=$?
sim=""
[ $rs = 0 ] || bad sim "pstn-sim exited $rs"
gw_stop
gw=""
kill "$stp"
wait "$stp"
stp=""
kill "$capture" 2>/dev/null
wait "$capture" 2>/dev/null
capture=""
finish
