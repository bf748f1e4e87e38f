#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Prometheus endpoint against a real Prometheus (Debian prometheus): the gateway between pstn-sim and
# SIPp with `metrics http` on, Prometheus scraping it every second. Three calls ISUP -> SIP are answered,
# the third held up: Prometheus's query API must then give the peer's answered-calls counter 3 and the
# active-calls gauge 1 (and the ASP active, a busy circuit, the dead peer down), and after the release 0. `promtool check metrics` lints the exposition;
# the endpoint answers only GET /metrics (404, 405 otherwise); the latency histograms counted the calls.
# The statsd reporter, on at the same time, sends the gauges and counters to a UDP listener. Every series
# must be named in docs/metrics.md, and the alert rules there must pass `promtool check rules`.
# Usage: metrics.sh [OUTDIR]
here=${srcdir:-.}/e2e
out=${1:-metrics-out}
only=""
for tool in prometheus promtool curl; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool not installed (Debian prometheus, curl)"; exit 77; }
done
. "$here/e2e-lib.sh"
P_HTTP=$((base + 6))
P_PROM=$((base + 7))
P_STATSD=$((base + 8))
printf ' metrics http 127.0.0.1 %s\nstats interval 1\nstats reporter statsd\n remote-ip 127.0.0.1\n remote-port %s\n level peer\n enable\n' \
	$P_HTTP $P_STATSD >>"$out/isupgw.cfg"
# the statsd reporter's datagrams, as a statsd server would get them
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
while True:
    print(s.recv(65536).decode(errors="replace"), flush=True)' $P_STATSD >"$out/statsd.out" 2>&1 &
statsd=$!
wait_for "$out/statsd.out" ready 10
gw_start
trap 'kill $gw $statsd 2>/dev/null' EXIT INT TERM
wait_tcp_listen $P_HTTP || bad endpoint "nothing listens on $P_HTTP"

# ---- the endpoint itself ----
c=endpoint
curl -s -o "$out/$c.txt" -D "$out/$c.hdr" "http://127.0.0.1:$P_HTTP/metrics"
curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$P_HTTP/" >"$out/$c.codes"
curl -s -o /dev/null -w '%{http_code}\n' -X POST -d x=1 "http://127.0.0.1:$P_HTTP/metrics" >>"$out/$c.codes"
echo "metrics: a scrape took $(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$P_HTTP/metrics") s"
promtool check metrics <"$out/$c.txt" >"$out/$c.lint" 2>&1
lint=$?
want $c hdr "^HTTP/1.1 200" && want $c hdr "text/plain; version=0.0.4" && want $c codes "^404" &&
	want $c codes "^405" && want $c txt '^isupgw_isup_trunk_circuits{trunk="pstn"} 31$' &&
	want $c txt '^isupgw_sip_peer_call_answered_total{peer="far"} 0$' &&
	want $c txt '^# TYPE isupgw_translation_seconds histogram' &&
	{ [ $lint = 0 ] || bad $c "promtool check metrics: $(head -5 "$out/$c.lint")"; } && ok $c

# ---- the documentation names every series, and its alert rules are valid ----
c=docs
doc=$here/../../docs/metrics.md
sed -n 's/^# HELP \([a-z_0-9]*\) .*/\1/p' "$out/endpoint.txt" | while read -r name; do
	grep -q "^| \`$name\` |" "$doc" || echo "$name"
done >"$out/$c.undocumented"
python3 -c '
import re, sys
t = open(sys.argv[1]).read()
print(re.search(r"`isupgw-alerts.yml`:\n\n```yaml\n(.*?)```", t, re.S).group(1), end="")' "$doc" >"$out/alerts.yml"
promtool check rules "$out/alerts.yml" >"$out/$c.rules" 2>&1
rules=$?
if [ -s "$out/$c.undocumented" ]; then
	bad $c "series not in docs/metrics.md: $(tr '\n' ' ' <"$out/$c.undocumented")"
elif [ $rules != 0 ]; then
	bad $c "promtool check rules: $(tail -3 "$out/$c.rules")"
else
	ok $c
fi

# ---- Prometheus scraping it ----
cat >"$out/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: isupgw
    static_configs:
      - targets: ['127.0.0.1:$P_HTTP']
EOF
rm -rf "$out/prom-data"
prometheus --config.file="$out/prometheus.yml" --storage.tsdb.path="$out/prom-data" \
	--web.listen-address=127.0.0.1:$P_PROM --log.level=warn >"$out/prometheus.log" 2>&1 &
prom=$!
trap 'kill $gw $prom $statsd 2>/dev/null' EXIT INT TERM

# a PromQL query's single value, or "none"
query() {
	curl -s --get --data-urlencode "query=$1" "http://127.0.0.1:$P_PROM/api/v1/query" | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "none")' 2>/dev/null || echo none
}
# waits (up to 60 s) until the query gives the value; what it gave last is in $got
wait_query() { # query value
	for i in $(seq 600); do
		got=$(query "$1")
		[ "$got" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
for i in $(seq 300); do
	curl -sf "http://127.0.0.1:$P_PROM/-/ready" >/dev/null 2>&1 && break
	sleep 0.1
done

c=prometheus
uas_bg $c uas-answer 3 -timeout_error
sim_bg $c "expect signalling 30
call 301234567 4930999
expect ANSWER 10
release last 16
wait 1
call 301234567 4930999
expect ANSWER 10
release last 16
wait 1
call 301234567 4930999
expect ANSWER 10
expect USR1 60
release last 16
wait 1
quit"
# the third call is up: answered 3, active 1 (the scrape after the answer)
if wait_query 'isupgw_sip_peer_call_answered_total{peer="far"}' 3; then
	wait_query 'isupgw_gateway_calls_active' 1 || bad $c "calls_active is $got with the third call up, not 1"
	wait_query 'isupgw_m3ua_asp_active{asp="pstn0"}' 1 || bad $c "the ASP's active gauge is $got, not 1"
	wait_query 'isupgw_sip_peer_up{peer="dead"}' 0 || bad $c "the dead peer's up gauge is $got, not 0"
	wait_query 'isupgw_isup_trunk_circuits_busy{trunk="pstn"}' 1 || bad $c "circuits busy: $got, not 1"
else
	bad $c "answered calls are $got in Prometheus, not 3"
fi
kill -USR1 $sim
wait $sim
rs=$?
wait $sipp
rp=$?
wait_query 'isupgw_gateway_calls_active' 0 || bad $c "calls_active is $got after the release, not 0"
hist=$(query 'isupgw_translation_seconds_count{direction="isup_to_sip"}')
pdd=$(query 'isupgw_post_dial_delay_seconds_count{direction="isup_to_sip"}')
idle=$(query 'isupgw_isup_trunk_circuits_idle{trunk="pstn"}')
echo "prometheus: translation count $hist, post-dial delay count $pdd, circuits idle $idle"
[ $rs = 0 ] || bad $c "pstn-sim exited $rs"
[ $rp = 0 ] || bad $c "sipp exited $rp"
[ "$hist" = 3 ] || bad $c "isup_to_sip translations counted $hist, not 3"
[ "$pdd" = 3 ] || bad $c "isup_to_sip post-dial delays counted $pdd, not 3"
case " $failed " in *" $c "*) ;; *) ok $c ;; esac

kill $prom 2>/dev/null
wait $prom 2>/dev/null

# ---- statsd: the same gauges and counters, pushed ----
c=statsd
want $c out 'gateway\.0\.calls_active:' && want $c out 'isup_trunk\.pstn\.circuits_idle:' &&
	want $c out 'sip_peer\.far\.call\.answered:' && ok $c
kill $statsd 2>/dev/null
gw_stop
echo "metrics: $pass passed, $fail failed${failed:+ (}${failed# }${failed:+)}"
[ $fail = 0 ]
