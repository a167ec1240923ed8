#!/usr/bin/env bash
# hookgate actions benchmark (issue 4): one command, one broker, the ceiling and the pipeline in the same run.
#
#   bench/run-actions.sh [--quick] [--rounds N] [--warmup S] [--warmup-max S] [--duration S] [--connections N]
#                        [--window N] [--target-concurrency N] [--only ceiling,pipeline,acting,actingref,ingress]
#                        [--ref-jar JAR] [--producer key=value]... [--gateway-env NAME=VALUE]... [--profile]
#                        [--no-build]
#
# pipeline: webhooks -> the real hookgate jar (Kili source, one rule that forwards every event to the sink
# as a signed CloudEvent) -> Kafka -> rules -> actions -> a local sink answering 200. ceiling: a bare Vert.x
# WebClient posting the same call straight to that sink. acting: the pipeline's gateway, but the driver
# writes the events straight into its events topic (the record its ingress wrote for a probe webhook,
# replayed with a new ce_id each), so the gateway's core does only rules -> actions -> sink. ingress: the
# same gateway without rules (202 only), for context. actingref: acting run from another hookgate jar
# (--ref-jar), next to acting in every round, to compare two builds in one run. The gateway or the ceiling
# client gets core 0 alone; the broker and the driver (sink + webhook sender or record producer) share the
# other core(s).
# See bench/README.md.
set -euo pipefail

usage() {
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'EOF'
Options:
  --quick                 1 round, 5 s warm-up, 5 s measured: checks that everything runs, no figures
  --rounds N              run every phase N times, interleaved, and report medians (default 3)
  --warmup S              least warm-up seconds per phase (default 20); then 5 s more at a time while the
                          JIT compilers use more than 10% of the server's core
  --warmup-max S          longest warm-up (default 90)
  --duration S            measured seconds per phase (default 20)
  --connections N         webhooks in flight to the gateway, and the ceiling client's requests in flight (default 64)
  --window N              events between "webhook sent" (acting: "record written") and "action at the sink"
                          (default = connections: each connection sends its next webhook when the previous
                          one's action has arrived; acting writes its next record when one's action arrived)
  --target-concurrency N  the sink target's concurrency (default: hookgate's default)
  --only LIST             among ceiling,pipeline,acting,actingref,ingress (default ceiling,pipeline,acting,
                          ingress; with --ref-jar, actingref runs wherever acting does; the ceiling replays
                          the call that a pipeline or acting phase saves, so it needs one of them)
  --ref-jar JAR           phase actingref: the acting phase with this hookgate jar (e.g. one built from another
                          commit or a variant), run next to acting in every round; the report gives the ratios
                          actingref / acting in calls per second and per second of server CPU
  --producer k=v          kafka.producer setting for the gateway (repeatable)
  --gateway-env N=V       environment variable for the gateway, e.g. HOOKGATE_RULES_ENGINE_MAX_IN_FLIGHT=512
  --profile               run the last round's pipeline (or, without pipeline, acting) gateway with JFR on, keep the measured window and report where
                          its CPU goes (the recording costs CPU: take the figures from a run without it)
  --no-build              use the existing target/hookgate.jar and bench classes as they are
Environment: BENCH_SERVER_CPUS (default 0), BENCH_LOAD_CPUS (default the other cores), BENCH_BROKER_CPUS
  (default = BENCH_LOAD_CPUS), BENCH_SERVER_JVM_OPTS (added to the gateway's and the ceiling client's JVM).
EOF
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
ROUNDS=3
WARMUP=20
WARMUP_MAX=90
DURATION=20
CONNECTIONS=64
WINDOW=""
TARGET_CONCURRENCY=""
ONLY="ceiling,pipeline,acting,ingress"
REF_JAR=""
PROFILE=0
BUILD=1
PRODUCER=()
GATEWAY_ENV=()
ARGS="$*"
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) ROUNDS=1; WARMUP=5; WARMUP_MAX=5; DURATION=5 ;;
    --rounds) ROUNDS=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --warmup-max) WARMUP_MAX=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    --window) WINDOW=$2; shift ;;
    --target-concurrency) TARGET_CONCURRENCY=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --ref-jar) REF_JAR=$2; shift ;;
    --producer) PRODUCER+=("$2"); shift ;;
    --gateway-env) GATEWAY_ENV+=("$2"); shift ;;
    --profile) PROFILE=1 ;;
    --no-build) BUILD=0 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if [[ -n $REF_JAR ]]; then
  [[ -f $REF_JAR ]] || { echo "--ref-jar: no such file: $REF_JAR" >&2; exit 2; }
  REF_JAR=$(cd "$(dirname "$REF_JAR")" && pwd)/$(basename "$REF_JAR")
  [[ ",$ONLY," == *,acting,* && ",$ONLY," != *,actingref,* ]] && ONLY+=",actingref"
fi
for s in ${ONLY//,/ }; do
  case $s in ceiling | pipeline | acting | ingress) ;;
    actingref) [[ -n $REF_JAR ]] || { echo "phase actingref needs --ref-jar" >&2; exit 2; } ;;
    *) echo "unknown phase '$s' (ceiling, pipeline, acting, actingref, ingress)" >&2; exit 2 ;; esac
done
wants() { [[ ",$ONLY," == *",$1,"* ]]; }
WINDOW=${WINDOW:-$CONNECTIONS}
for kv in "${PRODUCER[@]}" "${GATEWAY_ENV[@]}"; do
  [[ $kv == *=* ]] || { echo "--producer and --gateway-env take key=value, not $kv" >&2; exit 2; }
done

NCPU=$(nproc)
if ((NCPU < 2)); then
  echo "the benchmark needs at least 2 cores: one for the server under test, one for the load" >&2
  exit 1
fi
SERVER_CPUS=${BENCH_SERVER_CPUS:-0}
if ((NCPU == 2)); then DEFAULT_LOAD=1; else DEFAULT_LOAD="1-$((NCPU - 1))"; fi
LOAD_CPUS=${BENCH_LOAD_CPUS:-$DEFAULT_LOAD}
BROKER_CPUS=${BENCH_BROKER_CPUS:-$LOAD_CPUS}
SERVER_JVM=(-XX:ActiveProcessorCount=1 -Xms512m -Xmx512m ${BENCH_SERVER_JVM_OPTS:-})
DRIVER_JVM=(-XX:ActiveProcessorCount=1 -Xms512m -Xmx512m)
BODY=$BENCH/payloads/kili-onsubmit-2k.json
CLK_TCK=$(getconf CLK_TCK)
FIRST_SERVER_CPU=${SERVER_CPUS%%[,-]*}
FIRST_LOAD_CPU=${LOAD_CPUS%%[,-]*}

log() { echo "[bench-actions $(date +%H:%M:%S)] $*" >&2; }

for tool in java taskset curl mvn jcmd; do
  command -v $tool >/dev/null 2>&1 || { echo "$tool is required" >&2; exit 1; }
done

JAR=$ROOT/target/hookgate.jar
if ((BUILD)); then
  if [[ ! -f $JAR ]] || [[ -n $(find "$ROOT/src/main" "$ROOT/pom.xml" "$ROOT/conf" -newer "$JAR" -print -quit) ]]; then
    log "building target/hookgate.jar (mvn -q -DskipTests package)"
    (cd "$ROOT" && mvn -B -q -DskipTests package)
  fi
  log "compiling the bench classes (mvn -q -f bench/pom.xml compile)"
  (cd "$BENCH" && mvn -B -q compile)
fi
[[ -f $JAR ]] || { echo "missing $JAR: run without --no-build" >&2; exit 1; }
CP="$JAR:$BENCH/target/classes:$BENCH/target/lib/*" # lib: the bench's own libraries (bench/pom.xml)

# --- run directory, broker -----------------------------------------------------------------------------
TS=$(date -u +%Y%m%dT%H%M%SZ)
RUN=$BENCH/results/actions-$TS
REPORT=$BENCH/results/actions-$TS.md
mkdir -p "$RUN"
DATA=$(mktemp -d "${TMPDIR:-/tmp}/hookgate-bench-actions-kafka.XXXXXX")
BROKER_PID=""
SERVER_PID=""
DRIVER_PID=""
cleanup() {
  stop_pid "$DRIVER_PID" 2
  stop_pid "$SERVER_PID" 5
  stop_pid "$BROKER_PID" 30
  rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_broker

AUTH="bench-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
SIGNING_SECRET="whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
CAPTURE=$RUN/forward-call.txt

# The gateway's configuration for one phase: its own topics (so that every phase starts from empty topics
# and a gateway does not read the delivery logs of the phases before it), the sink as a target that may be
# on loopback, and one global rule that forwards every event to it.
gateway_config() { # file phase-tag sink-port with-rules(1|0)
  local producer="  producer: {}"
  if ((${#PRODUCER[@]})); then
    producer="  producer:"
    for kv in "${PRODUCER[@]}"; do producer+=$'\n'"    \"${kv%%=*}\": \"${kv#*=}\""; done
  fi
  local concurrency=""
  [[ -n $TARGET_CONCURRENCY ]] && concurrency="    concurrency: $TARGET_CONCURRENCY"
  local actions=""
  if (($4)); then
    actions="targets:
  sink:
    baseUrl: http://127.0.0.1:$3/sink
    signingSecret: env:SINK_SIGNING_SECRET
    allowPrivateNetwork: true
$concurrency
rules:
  - name: forward-all
    actions:
      - target: sink
        kind: forward"
  fi
  cat >"$1" <<EOF
# Written by bench/run-actions.sh for phase $2. Ports, Kafka and secrets come from environment variables.
ingress:
  host: 127.0.0.1
  instances: 1
  publishTimeout: 5s
kafka:
$producer
  topics:
    events: {name: bench.$2.events, partitions: 6}
    actions: {name: bench.$2.actions, partitions: 6}
    actionsRetry: {name: bench.$2.actions.retry, partitions: 6}
    deadLetter: {name: bench.$2.actions.dlq, partitions: 3}
    deliveryStatus: {name: bench.$2.delivery.status, partitions: 3, compacted: true}
sources:
  kili:
    kind: kili
    auth:
      type: header
      header: Authorization
      secrets:
        - env: KILI_WEBHOOK_SECRET
$actions
EOF
}

# --- phases --------------------------------------------------------------------------------------------
# The profiled phase: the pipeline when it runs, otherwise acting.
PROFILED_PHASE=pipeline
wants pipeline || PROFILED_PHASE=acting
profiled() { ((PROFILE)) && [[ $1 == "$PROFILED_PHASE" ]] && (($2 == ROUNDS)); }
driver() { # phase round sink-port pid-file extra-args...
  local id=$1 mode=$1 round=$2 port=$3 pidfile=$4
  shift 4
  [[ $id == actingref ]] && mode=acting
  local jfr=()
  if profiled "$id" "$round"; then jfr=(--jfr "$RUN/$id.$round.jfr"); fi
  taskset -c "$LOAD_CPUS" java "${DRIVER_JVM[@]}" -cp "$CP" io.hookgate.bench.actions.ActionsDriver \
    --mode "$mode" --phase-id "$id" --round "$round" --sink-port "$port" --server-pid-file "$pidfile" \
    --broker-pid "$BROKER_PID" \
    --connections "$CONNECTIONS" --window "$WINDOW" --warmup "$WARMUP" --warmup-max "$WARMUP_MAX" \
    --duration "$DURATION" --clk-tck "$CLK_TCK" --server-core "$FIRST_SERVER_CPU" --load-core "$FIRST_LOAD_CPU" \
    --load-cpus "$LOAD_CPUS" --out "$RUN/results.tsv" --threads-out "$RUN/$id.$round.threads.tsv" \
    "${jfr[@]}" "$@" >"$RUN/$id.$round.driver.log" 2>&1 &
  DRIVER_PID=$!
  for _ in $(seq 1 120); do
    grep -q '^SINK READY' "$RUN/$id.$round.driver.log" && return 0
    kill -0 "$DRIVER_PID" 2>/dev/null || break
    sleep 0.5
  done
  cat "$RUN/$id.$round.driver.log" >&2
  echo "the driver did not start" >&2
  exit 1
}

# Waits for the driver to finish the phase; false when the server under test died first.
await_driver() { # mode round
  while kill -0 "$DRIVER_PID" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      log "$1 round $2: the server process ended during the phase (see its log); running the phase again"
      stop_pid "$DRIVER_PID" 2
      DRIVER_PID=""
      wait "$SERVER_PID" 2>/dev/null || true
      SERVER_PID=""
      return 1
    fi
    sleep 1
  done
  local status=0
  wait "$DRIVER_PID" || status=$?
  DRIVER_PID=""
  if ((status != 0)); then
    tail -20 "$RUN/$1.$2.driver.log" >&2
    echo "$1 round $2: the driver failed (exit status $status)" >&2
    exit 1
  fi
  tail -1 "$RUN/$1.$2.driver.log" | sed 's/^/    /' >&2
  return 0
}

attempt_pipeline() { gateway_phase pipeline "$@"; }
attempt_acting() { gateway_phase acting "$@"; }
attempt_actingref() { gateway_phase actingref "$@"; }
attempt_ingress() { gateway_phase ingress "$@"; }

# pipeline and acting run the same gateway with the same rule; they differ only in the driver, which in
# acting writes the events into bench.<tag>.events itself (after its probe webhook went through the ingress).
# actingref is acting with the --ref-jar build (its own topics, tag r...).
gateway_phase() { # pipeline|acting|actingref|ingress round attempt
  local id=$1 round=$2 tag ports ingress mgmt sink pidfile config rules=1 jar=$JAR
  tag="${id:0:1}$2a$3"
  [[ $id == actingref ]] && tag="r$2a$3" && jar=$REF_JAR
  [[ $id == ingress ]] && rules=0
  local acting=()
  [[ $id == acting* ]] && acting=(--bootstrap "$BOOTSTRAP" --events-topic "bench.$tag.events")
  ports=$(java_ports 3)
  read -r ingress mgmt sink <<<"$ports"
  pidfile=$RUN/$id.$round.pid
  rm -f "$pidfile"
  config=$RUN/hookgate-$tag.yaml
  gateway_config "$config" "$tag" "$sink" "$rules"
  local jvm=("${SERVER_JVM[@]}")
  # Recording from the start, so that the JIT compiles with JFR on; the driver keeps only the measured window.
  # DebugNonSafepoints: samples charged to the code that ran, not to the nearest safepoint poll.
  profiled "$id" "$round" && jvm+=(-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
    -XX:StartFlightRecording=name=actions,settings=profile,disk=true,maxage=10m)
  log "round $round/$ROUNDS, $id: gateway$([[ $jar != "$JAR" ]] && echo " ${jar##*/}") on core(s) $SERVER_CPUS (ingress $ingress)$( ((rules)) && echo ", sink on $sink")"
  driver "$id" "$round" "$sink" "$pidfile" --ingress-url "http://127.0.0.1:$ingress/webhooks/kili" \
    --auth "$AUTH" --body "$BODY" --capture "$CAPTURE" --id-prefix "$tag" "${acting[@]}"
  (
    cd "$RUN"
    exec env HOOKGATE_CONFIG="$config" KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" KILI_WEBHOOK_SECRET="$AUTH" \
      SINK_SIGNING_SECRET="$SIGNING_SECRET" HOOKGATE_INGRESS_PORT="$ingress" HOOKGATE_MANAGEMENT_PORT="$mgmt" \
      HOOKGATE_MANAGEMENT_HOST=127.0.0.1 HOOKGATE_INGRESS_INSTANCES=1 HOOKGATE_INGRESS_ACCESS_LOG=false \
      "${GATEWAY_ENV[@]}" taskset -c "$SERVER_CPUS" java "${jvm[@]}" -jar "$jar"
  ) >"$RUN/$id.$round.gateway.log" 2>&1 &
  SERVER_PID=$!
  echo "$SERVER_PID" >"$pidfile"
  local ok=0
  await_driver "$id" "$round" && ok=1
  stop_pid "$SERVER_PID" 40
  SERVER_PID=""
  if ((ok && rules)); then
    # Every action should have been called once, straight from the actions topic: records in the retry
    # topic are actions postponed (queue full, breaker open) or retried, records in the dead-letter topic
    # are actions given up.
    java -cp "$CP" io.hookgate.bench.TopicCounts "$BOOTSTRAP" "bench.$tag.events" "bench.$tag.actions" \
      "bench.$tag.actions.retry" "bench.$tag.actions.dlq" |
      awk -v p="$id" -v r="$round" -F'\t' '{ n[NR] = $2 } END { printf "%s\t%s\t%s\t%s\t%s\t%s\n", p, r, n[1], n[2], n[3], n[4] }' \
        >>"$RUN/topics.tsv"
  fi
  ((ok))
}

attempt_ceiling() { # round attempt
  local round=$1 sink pidfile
  sink=$(java_ports 1)
  pidfile=$RUN/ceiling.$round.pid
  rm -f "$pidfile"
  log "round $round/$ROUNDS, ceiling: WebClient on core(s) $SERVER_CPUS, sink on $sink"
  driver ceiling "$round" "$sink" "$pidfile"
  taskset -c "$SERVER_CPUS" java "${SERVER_JVM[@]}" -cp "$CP" io.hookgate.bench.actions.CeilingClient \
    "http://127.0.0.1:$sink/sink" "$CONNECTIONS" "$CAPTURE" >"$RUN/ceiling.$round.client.log" 2>&1 &
  SERVER_PID=$!
  echo "$SERVER_PID" >"$pidfile"
  local ok=0
  await_driver ceiling "$round" && ok=1
  stop_pid "$SERVER_PID" 5
  SERVER_PID=""
  ((ok))
}

phase() { # id round
  local attempt
  for attempt in 1 2; do
    "attempt_$1" "$2" "$attempt" && return 0
  done
  echo "$1 round $2: the server died twice; giving up (logs in $RUN)" >&2
  exit 1
}

if wants ceiling && ! wants pipeline && ! wants acting && ! wants actingref; then
  echo "the ceiling replays the gateway's forwarded call, which a pipeline or acting phase saves: run one" >&2
  exit 2
fi
UPTIME_START=$(uptime)
log "load before the run: $UPTIME_START"
: >"$RUN/results.tsv"
# Each round starts one phase later among the phases run (round 1 with the pipeline or acting, which save the
# call the ceiling replays), so a drift of the machine's load does not always hit the same phase; acting and
# actingref alone take turns going first.
phases=()
for id in pipeline acting actingref ingress ceiling; do wants $id && phases+=("$id"); done
for ((round = 1; round <= ROUNDS; round++)); do
  for ((i = 0; i < ${#phases[@]}; i++)); do
    phase "${phases[$(((i + round - 1) % ${#phases[@]}))]}" "$round"
  done
done
UPTIME_END=$(uptime)

# --- report --------------------------------------------------------------------------------------------
PROFILE_TEXT=""
if ((PROFILE)) && [[ -f $RUN/$PROFILED_PHASE.$ROUNDS.jfr ]]; then
  arrivals=$(awk -F'\t' -v r="$ROUNDS" -v p="$PROFILED_PHASE" '$1 == p && $2 == r { print $4 }' "$RUN/results.tsv")
  PROFILE_TEXT=$(java -cp "$CP" io.hookgate.bench.actions.ActionsProfile "$RUN/$PROFILED_PHASE.$ROUNDS.jfr" "${arrivals:-0}")
fi
# Errors in the gateways' logs: a healthy run has none (Vert.x 5.1.0's pool race once logged hundreds a
# second). "has been blocked" warnings mean the gateway's event loop got no CPU for seconds: the machine
# stalled (other people's work), and that phase's figures say little about hookgate.
LOG_TABLE=""
for f in "$RUN"/*.gateway.log; do
  [[ -f $f ]] || continue
  name=${f##*/}
  LOG_TABLE+="| ${name%.gateway.log} | $(grep -c ' ERROR ' "$f" || true) | $(grep -c ' WARN ' "$f" || true) | $(grep -c 'has been blocked' "$f" || true) |"$'\n'
done
COMMIT=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(cd "$ROOT" && git status --porcelain -- src pom.xml conf bench 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
{
  echo "# hookgate actions benchmark, $TS"
  echo
  echo "Command: \`bench/run-actions.sh${ARGS:+ $ARGS}\` at commit $COMMIT$DIRTY"
  echo
  echo "- Machine: $NCPU cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(free -g | awk '/Mem:/ { print $2 }') GiB;" \
    "$(java -version 2>&1 | head -1)"
  echo "- Load before the run: \`$UPTIME_START\`"
  echo "- Load after the run: \`$UPTIME_END\`"
  echo "- Server under test (the gateway, or the ceiling's WebClient) on core(s) $SERVER_CPUS with \`${SERVER_JVM[*]}\`;" \
    "the driver (sink + webhook sender, one event loop; in acting also its Kafka producer) on core(s) $LOAD_CPUS;" \
    "the broker (own JVM) on core(s) $BROKER_CPUS"
  echo "- Load: $CONNECTIONS connections; pipeline window $WINDOW events between \"webhook sent\" and \"action at the sink\";" \
    "webhook: the ${BODY##*/} Kili onSubmit body, each with its own webhook-id"
  echo "- Acting: the same gateway and rule as the pipeline; the driver writes the events into the events topic itself," \
    "replaying the record the gateway's ingress wrote for the probe webhook with a new ce_id each (plain producer," \
    "acks=all, idempotent, linger.ms 2, batch.size 128 KiB), at most $WINDOW between \"written\" and \"action at the sink\""
  if [[ -n $REF_JAR ]]; then
    echo "- actingref: the acting phase with \`$REF_JAR\` ($(stat -c '%y' "$REF_JAR" | cut -d. -f1), sha256" \
      "$(sha256sum "$REF_JAR" | cut -c1-12)); acting with target/hookgate.jar ($(stat -c '%y' "$JAR" | cut -d. -f1)," \
      "sha256 $(sha256sum "$JAR" | cut -c1-12))"
  fi
  echo "- Gateway: access log off; target concurrency ${TARGET_CONCURRENCY:-default}; producer overrides: ${PRODUCER[*]:-none};" \
    "environment: ${GATEWAY_ENV[*]:-none}"
  echo "- $ROUNDS round(s), phases interleaved; per phase a fresh server JVM and fresh topics, a warm-up (discarded) of" \
    "${WARMUP} s and then 5 s more at a time while the JIT compilers use more than 10% of the core (at most" \
    "${WARMUP_MAX} s), then ${DURATION} s measured. The tables give the median over the rounds."
  if ((PROFILE)); then echo "- The last round's gateway ran with JFR on (it costs CPU; that round's pipeline figures are lower)"; fi
  echo
  java -cp "$CP" io.hookgate.bench.actions.ActionsReport "$RUN/results.tsv" "$RUN"
  if [[ -n $LOG_TABLE ]]; then
    echo
    echo "Gateway logs per phase (round): ERROR and WARN lines, and of those the event loop blocked warnings (the"
    echo "machine gave the gateway no CPU for seconds: such a phase measured the machine, not hookgate)."
    echo
    echo "| phase.round | ERROR | WARN | event loop blocked |"
    echo "|---|---:|---:|---:|"
    echo -n "$LOG_TABLE"
  fi
  if [[ -s $RUN/topics.tsv ]]; then
    echo
    echo "Records in the topics of each phase with rules (the whole phase, warm-up and probes included): events" \
      "written (by the ingress, or in acting by the driver), actions written by the rules, actions postponed or" \
      "retried (retry topic), actions given up (dead-letter topic). Events and actions should be equal, the" \
      "retry and dead-letter topics empty."
    echo
    echo "| phase | round | events | actions | retry topic | dead-letter topic |"
    echo "|---|---:|---:|---:|---:|---:|"
    awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$RUN/topics.tsv"
  fi
  if [[ -n $PROFILE_TEXT ]]; then
    echo
    echo "$PROFILE_TEXT"
  fi
  echo
  echo "## Raw"
  echo
  echo '```'
  java -cp "$CP" io.hookgate.bench.actions.ActionsReport --header
  cat "$RUN/results.tsv"
  echo '```'
} >"$REPORT"
echo
sed -n '/^## Results/,/^## Gateway CPU/p' "$REPORT" | sed '$d'
echo "Full report: ${REPORT#"$ROOT"/} (logs and raw output in ${RUN#"$ROOT"/}/)"
