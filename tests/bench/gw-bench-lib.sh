# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the gateway benchmarks: the configuration of the bench gateway (pstn-sim over M3UA/TCP on
# $P_M3UA, SIP on $P_SIP toward a SIPp UAS on $P_UAS, VTY on $P_VTY, 4,000 circuits, errors logged only).
# gw_bench_cfg [LINE...]: the configuration on stdout, each LINE added to the gateway node.
gw_bench_cfg() {
	cat <<CFG
log stderr
 logging filter all 1
 logging color 0
 logging level set-all error
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
  cic-range 1 4000
sip
 local sip:127.0.0.1:$P_SIP
 media-address 127.0.0.1
sip-peer far
 remote 127.0.0.1 $P_UAS udp
 country-code 49
 uri-host 127.0.0.1
gateway
 route isup-to-sip * peer far
CFG
	for line in "$@"; do
		echo " $line"
	done
}
