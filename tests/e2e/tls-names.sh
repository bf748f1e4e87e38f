#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TLS peers are who their certificates say (tls verify peer, the default): a certificate from our CA but
# for another name is refused both ways. Toward a TLS peer (a Python TLS server, tlsserve in sip-flood.py)
# the certificate must name the peer's host: with one for 127.0.0.1 the INVITE arrives (486 -> REL 17), with
# one for wrong.example the gateway ends the handshake, no INVITE leaves, the call is released. From a
# TLS peer (tlscall) the client certificate must name a TLS peer of ours: 127.0.0.1 gets its call answered,
# wrong.example does not get a connection. Usage: tls-names.sh [OUTDIR]
here=${srcdir:-.}/e2e
out=${1:-tls-names-out}
only=""
. "$here/e2e-lib.sh"
command -v openssl >/dev/null || { echo "SKIP: openssl not installed"; exit 77; }
PEER="python3 $here/sip-flood.py"
P_PEER=$((base + 6))	# the TLS peer we call
P_TLS=$((base + 7))	# our TLS listener
. "$here/certs.sh"
test_certs "$out" || exit 1
test_cert "$out" wrong wrong.example DNS:wrong.example || exit 1
dir=$(cd "$out" && pwd)
# no 'tls verify' line: the default must verify
sed -i "s|^ transaction-timeout 2000\$| transaction-timeout 2000\\
 tls local sips:127.0.0.1:$P_TLS\\
 tls certificate $dir/gw.pem\\
 tls private-key $dir/gw.key\\
 tls ca-file $dir/ca.pem|" "$out/isupgw.cfg"
cat >>"$out/isupgw.cfg" <<EOC
sip-peer tlsout
 remote 127.0.0.1 $P_PEER tls
 country-code 49
 uri-host 127.0.0.1
 dialog-keepalive 0
sip-peer far
 allow-source 127.0.0.1 transport tls
gateway
 route isup-to-sip 12 peer tlsout
EOC
gw_start
wait_tcp_listen $P_TLS || echo "no TLS listener on $P_TLS" >&2
grep -q "TLS, peers verified: certificates named 127.0.0.1" "$out/isupgw.log" || bad default "no verification by default"

# toward the peer: the peer's certificate NAME; the PSTN sees REL with cause CAUSE
call_out() { # case cert cause
	$PEER tlsserve $P_PEER "$dir/$2.pem" "$dir/$2.key" "$dir/ca.pem" >"$out/$1.peer" 2>&1 &
	peer=$!
	wait_for "$out/$1.peer" "ready" 10
	sim_run $1 "expect signalling 30
call 1212345 4930999
expect RELEASE 20
wait 1
quit"
	rs=$?
	wait $peer
	[ $rs = 0 ] || bad $1 "pstn-sim exited $rs"
	want $1 sim "<- REL .*cause.cause=$3"
}
c=out-right-name
call_out $c gw 17 && want $c peer "INVITE received" && ok $c
c=out-wrong-name
call_out $c wrong "[0-9]*" && want $c peer "no INVITE" && ! grep -q "INVITE received" "$out/$c.peer" && ok $c

# from the peer: our TLS listener, the caller's client certificate NAME; tlscall exits RC
call_in() { # case cert rc
	n0=$(gw_resumes)
	printf 'auto answer\nexpect signalling 30\nexpect RELEASE 15\nwait 1\nquit\n' >"$out/$1.script"
	"$SIM" --name S --listen 127.0.0.1 --port $P_M3UA --opc 2-2-2 --dpc 1-1-1 --script "$out/$1.script" \
		--timeout 20 >"$out/$1.sim" 2>&1 &
	sim=$!
	wait_gw_resume $n0
	$PEER tlscall 127.0.0.1 $P_TLS "sip:+4930123456@127.0.0.1:$P_TLS" "$dir/$2.pem" "$dir/$2.key" "$dir/ca.pem" \
		>"$out/$1.peer" 2>&1
	rc=$?
	[ $rc = "$3" ] || bad $1 "tlscall exited $rc, not $3"
	[ $3 = 0 ] || kill $sim 2>/dev/null
	wait $sim 2>/dev/null
	[ $rc = "$3" ]
}
c=in-right-name
call_in $c gw 0 && want $c sim "-> ANM" && ok $c
c=in-wrong-name
call_in $c wrong 2 && ! grep -q -- "<- IAM" "$out/$c.sim" && ok $c
gw_stop
echo "tls names: $pass passed, $fail failed${failed:+ (failed:$failed)}"
[ $fail = 0 ]
