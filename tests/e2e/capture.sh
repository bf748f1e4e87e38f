# SPDX-License-Identifier: GPL-2.0-or-later
# tshark capturing on lo (sourced): capture_start FILTER PCAP SECONDS sets $capture to its pid once it
# captures, or to "" when there is no $TSHARK or no root (capturing on lo needs root). $out must be set.
capture_start() {
	capture=""
	if [ -n "$TSHARK" ] && [ "$(id -u)" = 0 ]; then
		"$TSHARK" -q -i lo -f "$1" -F pcap -w "$2" -a duration:"$3" >/dev/null 2>"$out/tshark.err" &
		capture=$!
		for i in $(seq 50); do
			grep -q "Capturing on" "$out/tshark.err" 2>/dev/null && break
			sleep 0.1
		done
	fi
}
