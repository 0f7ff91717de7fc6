#!/usr/bin/env bash
# Open-loop overload benchmark: a fresh server JVM pinned to CPU 0 and a fresh driver JVM
# pinned to CPU 1 per case; one JSON line per case on stdout.
# Usage: easyrpc-samples/easyrpc-sample-benchmark/overload.sh [--no-build] [case ...]
#   cold                      1000 plusOne calls/s for 5 s, 2 s deadline, both JVMs fresh; then
#                             the same from a fresh pair whose client first runs
#                             RpcChannel.warmUp(20 calls) (case cold-warmup)
#   curve                     work(10 ms) on 8 permits (capacity 800/s): unloaded latency,
#                             then 0.5x, 1x, 2x, 4x capacity for 5 s each, 1 s deadline; each
#                             driver warms up for 3 s (8 callers) in its own JVM first
#   stream                    one Stream<Integer> of 200 000 items read by a fresh client JVM
#                             from a fresh server: with the unary 5 s deadline as the stream's,
#                             then (fresh pair again) with no stream deadline
# Server properties go in $SERVER_OPTS (e.g. -Deasyrpc.server.limit.enabled=false), driver
# JVM flags in $DRIVER_OPTS; PIN=0 lets both JVMs share all CPUs instead of one each; $JFR=1 records both JVMs into target/overload/.
# Default cases: cold curve.
set -euo pipefail
module="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$module/../.." && pwd)"
cd "$root"
if [[ "${1:-}" == "--no-build" ]]; then
	shift
else
	./mvnw -q -pl easyrpc-samples/easyrpc-sample-benchmark -am package -DskipTests -Dspring-javaformat.skip=true
fi
cases=("$@")
[[ ${#cases[@]} -gt 0 ]] || cases=(cold curve)
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
cp="$module/target/classes:$(cat "$module/target/benchmark-classpath.txt")"
out="$module/target/overload"
mkdir -p "$out"
server_cpu=(taskset -c 0)
driver_cpu=(taskset -c 1)
if [[ "${PIN:-1}" == "0" ]]; then
	server_cpu=()
	driver_cpu=()
fi
server_pid=""
stop_server() {
	if [[ -n "$server_pid" ]]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=""
	fi
}
trap stop_server EXIT

# Starts a fresh server and sets $port; waits at most 60 s for its READY line.
start_server() {
	local name="$1" jfr=()
	[[ -n "${JFR:-}" ]] && jfr=("-XX:StartFlightRecording=duration=30s,filename=$out/$name-server.jfr,settings=profile")
	rm -f "$out/server.log"
	# shellcheck disable=SC2086
	${server_cpu[@]+"${server_cpu[@]}"} "$java" "${jfr[@]}" ${SERVER_OPTS:-} -cp "$cp" io.easyrpc.benchmark.targets.EasyRpcBenchmarkServer \
		>"$out/server.log" 2>&1 &
	server_pid=$!
	for _ in $(seq 600); do
		if grep -q '^READY' "$out/server.log"; then
			port="$(grep '^READY' "$out/server.log" | head -1 | cut -d' ' -f2)"
			return
		fi
		sleep 0.1
	done
	echo "server did not start" >&2
	exit 1
}

drive() {
	local name="$1" jfr=()
	shift
	[[ -n "${JFR:-}" ]] && jfr=("-XX:StartFlightRecording=duration=30s,filename=$out/$name-driver.jfr,settings=profile")
	# shellcheck disable=SC2086
	${driver_cpu[@]+"${driver_cpu[@]}"} "$java" "${jfr[@]}" ${DRIVER_OPTS:-} -cp "$cp" io.easyrpc.benchmark.driver.OpenLoopMain --port "$port" "$@" \
		| sed "s/^{/{\"case\":\"$name\",/"
}

for c in "${cases[@]}"; do
	case "$c" in
		cold)
			start_server cold
			drive cold --method plusOne --rate 1000 --duration 5 --deadline-ms 2000
			stop_server
			# the same with a fresh pair whose client warms up first (RpcChannel.warmUp)
			start_server cold-warmup
			drive cold-warmup --method plusOne --warmup-kind channel --warmup-calls 20 --rate 1000 --duration 5 \
				--deadline-ms 2000
			stop_server
			;;
		curve)
			start_server unloaded
			# a short closed-loop warm-up, then one caller for the unloaded latency
			drive unloaded --method work --work-ms 10 --warmup 3 --calibrate 1 --duration 3
			drive capacity --method work --work-ms 10 --warmup 3 --calibrate 64 --duration 3
			stop_server
			for factor in 0.5 1 2 4; do
				rate="$(awk "BEGIN { print 800 * $factor }")"
				start_server "x$factor"
				drive "x$factor" --method work --work-ms 10 --warmup 3 --rate "$rate" --duration 5 --deadline-ms 1000
				stop_server
			done
			;;
		stream)
			start_server stream
			drive stream-5s --method stream --count 200000 --deadline-ms 5000
			stop_server
			start_server stream
			drive stream-no-deadline --method stream --count 200000 --deadline-ms 5000 --stream-timeout-ms 0
			stop_server
			;;
		*)
			echo "unknown case $c" >&2
			exit 1
			;;
	esac
done
