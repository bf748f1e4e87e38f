#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# CDRs of the real isupgw between pstn-sim and SIPp (issue 16): calls of every release class both ways
# (normal clearing from either side, busy, no answer, unallocated number, congestion, CANCEL before
# answer from either side, the gateway's own timer, no route, a call up at SIGTERM) leave exactly one
# correct record each, once in CSV and once in JSON lines (cdr-check.py reads both); then the CDR file
# on a full disk (/dev/full), a read-only file system (a read-only bind mount, where mount is allowed)
# and a deleted directory: the calls still complete, the failure is logged and counted, and the
# records wait in memory until the file can be written.
# Usage: cdr-e2e.sh [OUTDIR]   (exit status 0 when every case passed)
here=${srcdir:-.}/e2e
out=${1:-cdr-out}
only=
. "$here/e2e-lib.sh"
rm -rf "$out/cdr" "$out"/*.expect "$out"/*.check
mkdir -p "$out/cdr"
cat >>"$out/isupgw.cfg" <<EOF
cdr
 file $out/cdr/cdr.csv
 format csv
 fields all
EOF

# ISUP -> SIP: pstn-sim calls, SIPp answers as its scenario says
i2s() { # case scenario called sim-tail
	isup_to_sip "$1" "$2" "expect signalling 30
call $3 4930999
$4
wait 1
quit"
	sipp_ok "$1" && ok "$1"
}

# SIP -> ISUP: SIPp calls, pstn-sim answers as its script says ("auto ...": it waits for the IAM and a
# second; otherwise the script's own lines)
s2i() { # case scenario called sim-script
	case "$4" in
	"auto "*) script="$4
expect signalling 30
expect SETUP 15
wait 1" ;;
	*) script="$4" ;;
	esac
	sip_to_isup "$1" "$2" "$3" "$script
quit"
	sipp_ok "$1" && ok "$1"
}

# the cases of one pass; P (1, 2) makes the called numbers unique; their expectations go to $out/$P.expect
run_pass() { # P
	P=$1
	x="$out/$P.expect"
	: >"$x"
	i2s i2s-normal-$P uas-answer 30${P}0001 "expect ANSWER 10
wait 1
release last 16"
	echo "30${P}0001 direction=isup-to-sip released_by=pstn release_reason=REL cause=16 sip_status=200 answered=1 calling_in=4930999 calling_in_nai=national sip_peer=far trunk=pstn" >>"$x"
	i2s i2s-sip-bye-$P uas-answer-hangup 30${P}0002 "expect RELEASE 10"
	echo "30${P}0002 released_by=sip release_reason=BYE cause=16 sip_status=200 answered=1" >>"$x"
	i2s i2s-busy-$P uas-busy 30${P}0003 "expect RELEASE 10"
	echo "30${P}0003 released_by=sip release_reason=response cause=17 sip_status=486 answered=0" >>"$x"
	i2s i2s-no-answer-$P uas-unavailable 30${P}0004 "expect RELEASE 10"
	echo "30${P}0004 released_by=sip release_reason=response cause=18 sip_status=480 answered=0" >>"$x"
	i2s i2s-cancel-$P uas-cancel 30${P}0005 "expect ALERTING 10
wait 1
release last 16"
	echo "30${P}0005 released_by=pstn release_reason=REL cause=16 answered=0" >>"$x"
	vty_cmd "enable
configure terminal
gateway
timer gw X1 2
end" >"$out/x1-$P.vty"
	i2s i2s-timer-$P uas-cancel 30${P}0006 "expect ALERTING 10
expect RELEASE 10"
	vty_cmd "enable
configure terminal
gateway
timer gw X1 0
end" >>"$out/x1-$P.vty"
	echo "30${P}0006 released_by=gateway release_reason=timer cause=102 answered=0" >>"$x"
	c=i2s-no-route-$P
	sim_run $c "expect signalling 30
call 2${P}99
expect RELEASE 10
wait 1
quit" && want $c sim "<- REL .*cause.cause=3" && ok $c
	echo "2${P}99 released_by=gateway release_reason=refused cause=3 answered=0 sip_peer=-" >>"$x"

	s2i s2i-normal-$P uac-answer +4930${P}00001 "expect signalling 30
auto answer
expect RELEASE 15
wait 1"
	echo "+4930${P}00001 direction=sip-to-isup released_by=sip release_reason=BYE cause=16 sip_status=200 answered=1 called_out=30${P}00001 called_out_nai=national calling_out=4930999888 sip_peer=far" >>"$x"
	s2i s2i-pstn-hangup-$P uac-answer-hangup 4930${P}00002 "expect signalling 30
auto answer
expect SETUP 15
wait 1
release last 16
wait 1"
	echo "4930${P}00002 released_by=pstn release_reason=REL cause=16 sip_status=200 answered=1" >>"$x"
	s2i s2i-unallocated-$P uac-reject-404 4930${P}00003 "auto release 1"
	echo "4930${P}00003 released_by=pstn release_reason=REL cause=1 sip_status=404 answered=0" >>"$x"
	s2i s2i-busy-$P uac-reject-486 4930${P}00004 "auto release 17"
	echo "4930${P}00004 released_by=pstn release_reason=REL cause=17 sip_status=486 answered=0" >>"$x"
	s2i s2i-congestion-$P uac-reject-503 4930${P}00005 "auto release 34"
	echo "4930${P}00005 released_by=pstn release_reason=REL cause=34 sip_status=503 answered=0" >>"$x"
	s2i s2i-cancel-$P uac-cancel 4930${P}00006 "expect signalling 30
auto alert
expect RELEASE 15
wait 1"
	echo "4930${P}00006 released_by=sip release_reason=CANCEL cause=16 answered=0" >>"$x"

	# a call up at SIGTERM: the gateway releases it (REL, BYE) and writes its record before it exits
	c=sigterm-$P
	"$SIPP" -sf "$here/sipp/uas-answer.xml" -i 127.0.0.1 -p $P_UAS -m 1 -timeout 20 -timeout_error \
		-trace_logs -log_file "$out/$c.sipp" >/dev/null 2>"$out/$c.sipperr" &
	sipp=$!
	wait_udp_port $P_UAS
	printf '%s\n' "expect signalling 30
call 30${P}0009 4930999
expect ANSWER 10
expect RELEASE 20
wait 1
quit" >"$out/$c.script"
	"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --script "$out/$c.script" \
		--timeout 30 >"$out/$c.sim" 2>&1 &
	sim=$!
	wait_for "$out/$c.sim" "event: ANSWER" 20
	gw_stop
	wait $sim
	wait $sipp
	SIPP_RC=$?
	sipp_ok $c && want $c sim "<- REL .*cause.cause=16" && ok $c
	echo "30${P}0009 released_by=gateway release_reason=shutdown cause=16 sip_status=200 answered=1" >>"$x"
}

# the records of a pass: one per call, the fields right
check() { # name expect files...
	n=$1
	shift
	python3 "$here/cdr-check.py" "$@" >"$out/$n.check" 2>&1 && ok "$n" || {
		bad "$n" "cdr-check failed"
		cat "$out/$n.check"
	}
}

gw_start
run_pass 1
check cdr-csv "$out/1.expect" "$out"/cdr/cdr.csv*

# the same in JSON lines, from a gateway started anew with the other format
sed -i "s|^ file $out/cdr/cdr.csv| file $out/cdr/cdr.json|; s/^ format csv/ format json/" "$out/isupgw.cfg"
gw_start
run_pass 2
check cdr-json "$out/2.expect" "$out"/cdr/cdr.json*
# SIGHUP rotates: the calls of pass 2 are all in the rotated file
gw_start
wait_for "$out/isupgw.log" "isupgw .* running" 10
kill -HUP $gw
wait_for "$out/isupgw.log" "CDR file .*cdr.json rotated (SIGHUP)" 10 && ls "$out"/cdr/cdr.json.2* >/dev/null 2>&1 &&
	ok sighup-rotation || bad sighup-rotation "no rotation on SIGHUP"

# ---- bad disk conditions: the call completes, the record waits, and is written once the file can be ----

cdr_to() { # case path
	vty_cmd "enable
configure terminal
cdr
file $2
end
show cdr" >>"$out/$1.vty"
}
x="$out/3.expect"
: >"$x"

# full: /dev/full takes nothing (ENOSPC); then a good file takes what waited
c=disk-full
cdr_to $c /dev/full
s2i $c-call uac-reject-486 4930300001 "auto release 17"
vty_cmd "show cdr" >"$out/$c.show"
want $c show "state: failing (No space left on device)" && want $c show "waiting in memory: 1 " &&
	want $c show "file:write_failed *[1-9]" && ok $c
cdr_to $c "$out/cdr/after-full.json"
wait_for "$out/cdr/after-full.json" "4930300001" 10 || bad $c "the record that waited was not written"
echo "4930300001 released_by=pstn release_reason=REL cause=17 sip_status=486" >>"$x"

# read-only: a read-only bind mount of a directory (needs CAP_SYS_ADMIN: skipped without)
c=disk-readonly
mkdir -p "$out/cdr/ro"
if mount --bind "$out/cdr/ro" "$out/cdr/ro" 2>/dev/null && mount -o remount,ro,bind "$out/cdr/ro" 2>/dev/null; then
	cdr_to $c "$out/cdr/ro/cdr.json"
	s2i $c-call uac-reject-486 4930300002 "auto release 17"
	vty_cmd "show cdr" >"$out/$c.show"
	umount "$out/cdr/ro"
	want $c show "state: failing (Read-only file system)" && want $c show "file:open_failed *[1-9]" && ok $c
	wait_for "$out/cdr/ro/cdr.json" "4930300002" 10 || bad $c "the record that waited was not written"
	echo "4930300002 released_by=pstn release_reason=REL cause=17 sip_status=486" >>"$x"
else
	umount "$out/cdr/ro" 2>/dev/null
	echo "SKIP: $c (mount not permitted)"
fi

# the directory deleted under the open file: the next record notices, waits, and goes into a new file
# once the directory is back
c=disk-dir-gone
mkdir -p "$out/cdr/gone"
cdr_to $c "$out/cdr/gone/cdr.json"
s2i $c-call1 uac-reject-486 4930300003 "auto release 17"
wait_for "$out/cdr/gone/cdr.json" "4930300003" 10
cp "$out/cdr/gone/cdr.json" "$out/cdr/gone-before.json"
rm -rf "$out/cdr/gone"
s2i $c-call2 uac-reject-486 4930300004 "auto release 17"
vty_cmd "show cdr" >"$out/$c.show"
want $c show "state: failing (No such file or directory)" && want $c show "file:reopened *1" && ok $c
mkdir -p "$out/cdr/gone"
wait_for "$out/cdr/gone/cdr.json" "4930300004" 10 || bad $c "the record that waited was not written"
echo "4930300003 released_by=pstn release_reason=REL cause=17" >>"$x"
echo "4930300004 released_by=pstn release_reason=REL cause=17" >>"$x"
grep -q "CDR file .*gone/cdr.json: open failed: No such file or directory" "$out/isupgw.log" && ok $c-logged ||
	bad $c-logged "no log line of the failure"
gw_stop
check cdr-disk "$x" "$out/cdr/after-full.json" "$out/cdr/gone-before.json" "$out/cdr/gone/cdr.json" \
	$(ls "$out/cdr/ro/cdr.json" 2>/dev/null)

echo "cdr-e2e: $pass passed, $fail failed${failed:+ (failed:$failed)}"
[ $fail = 0 ]
