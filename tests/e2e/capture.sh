# SPDX-License-Identifier: GPL-2.0-or-later
# tshark capturing on lo (sourced): capture_start FILTER PCAP SECONDS sets $capture to its pid once it
# captures, or to "" when there is no $TSHARK or no root (capturing on lo needs root). $out and $PORT_BASE
# (tests/ports.sh) must be set. $TSHARK may also be dumpcap (which starts faster: the VM tests use it).
#
# tshark says "Capturing on" before its filter is live, and under load the first packets after it can be
# missed: the capture also takes UDP on the block's probe port (PORT_BASE + 20), and capture_start sends
# probes there until one shows in the file, so the capture is known to run before the test's traffic.
capture_start() {
	capture=""
	[ -n "$TSHARK" ] && [ "$(id -u)" = 0 ] || return 0
	probe=$((PORT_BASE + 20))
	fmt="-F pcap"
	case ${TSHARK##*/} in dumpcap*) fmt=-P ;; esac
	"$TSHARK" -q -i lo -f "($1) or udp port $probe" $fmt -w "$2" -a duration:"$3" >/dev/null \
		2>"$out/tshark.err" &
	capture=$!
	wait_for "$out/tshark.err" "Capturing on" 10 || return 0
	python3 - "$probe" "$2" <<'PYEOF' || echo "tshark captured no probe within 10 s" >&2
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 10
while time.time() < end:
    s.sendto(b"capture probe", ("127.0.0.1", int(sys.argv[1])))
    time.sleep(0.02)
    try:
        if os.path.getsize(sys.argv[2]) > 24:	# more than the pcap file header: a probe was written
            sys.exit(0)
    except OSError:
        pass
sys.exit(1)
PYEOF
}
