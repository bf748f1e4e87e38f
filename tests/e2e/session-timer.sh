#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# RFC 4028 s10: a caller that asks for a 90 s session timer with itself as refresher and never refreshes.
# The gateway must end the dialog itself before the session expires (BYE) and release the PSTN side with
# cause 102 (recovery on timer expiry, RFC 3398 s8.2.6.1 for 408): no call is left hanging. Takes about
# a minute, so it runs on its own, beside the other scripts.
# Usage: session-timer.sh [OUTDIR]
here=${srcdir:-.}/e2e
out=${1:-session-timer-out}
only=""
. "$here/e2e-lib.sh"
gw_start

c=s2i-session-expiry
SIM_TIMEOUT=120 SIPP_TIMEOUT=110 sip_to_isup $c uac-session-expiry 4930123456 "auto answer
expect signalling 30
expect RELEASE 100
wait 1
quit"
sipp_ok $c && want $c sipp "200 Session-Expires: *90;refresher=uac" && want $c sipp "BYE from the gateway" &&
	want $c sim "<- REL .*cause.cause=102" && ok $c
gw_stop
grep -q "session timer expired" "$out/isupgw.log" || bad $c "no log line for the expiry"
echo "session timer: $pass passed, $fail failed${failed:+ (failed:$failed)}"
[ $fail = 0 ]
