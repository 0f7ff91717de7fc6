#!/usr/bin/env bash
# Builds the benchmark module and runs the soak: several clients call a ledger server
# through a proxy that cuts connections while the server is stopped and started again;
# the outcome of every call is compared with the server's execution log.
# Usage: easyrpc-samples/easyrpc-sample-benchmark/soak.sh [options]
# Options: --clients 4 --calls 20000 --rate 1000 --concurrency 32 --restarts 3 --signal TERM|KILL
#          --cut-millis 300,3000 (0: never cut) --max-delay-millis 20 --timeout-seconds 30
#          --once-every 10 --max-seconds 600 --out DIR
# Exit status 1 when an idempotent call was lost or executed twice.
set -euo pipefail
module="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$module/../.." && pwd)"
cd "$root"
./mvnw -q -pl easyrpc-samples/easyrpc-sample-benchmark -am package -DskipTests -Dspring-javaformat.skip=true
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java" -cp "$module/target/classes:$(cat "$module/target/benchmark-classpath.txt")" \
	io.easyrpc.benchmark.soak.SoakRunner --out "$module/target/soak" "$@"
