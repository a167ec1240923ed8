#!/usr/bin/env bash
# hookgate management benchmark (issues 15 and 16): one command, one broker, every ratio from the same run.
#
#   bench/run-management.sh [--quick] [--rounds N] [--warmup S] [--warmup-max S] [--duration S] [--window N]
#                           [--subscriptions N] [--changes N] [--replay-events N] [--live-rate R]
#                           [--only store,replicas,start,yaml,sub1,sub10,sub10k,replay] [--no-build]
#
# store: 10,000 subscriptions created through a gateway's service (the fill that start, replicas and sub10k use).
# replicas: two gateway processes on those topics; 1,000 changes PUT on A's management API, each timed until a GET
#   on B's shows it (target: p99 <= 1 s).
# start: a fresh gateway process on the topics holding the 10,000, timed from its reader's start to "Subscriptions:
#   N read" (target: <= 2 s), once per round on the cores the Kubernetes deployment gives a gateway (its CPU limit,
#   2: k8s/base/deployment.yaml), once on the one core the other phases give it (for reference: the JIT then
#   shares that core with the read).
# yaml, sub1, sub10, sub10k: run-actions.sh's acting phase (the driver writes the ingress's event records straight
#   into the events topic; the gateway matches, writes the actions and delivers them to the driver's sink), routed
#   by a YAML rule and target, by 1 subscription, by 10 and by 10,000 (each event matching one of them). Targets:
#   sub10k >= 0.8 x sub10 in events a second (fan-out matching), sub1 >= ~0.95 x yaml (a subscription no slower than
#   a YAML target, within the noise).
# replay: 200,000 events in the events topic, 1 in 100 for a subscription; live deliveries at 200/s meanwhile;
#   a recover of that subscription (issue 16) reads them all. Target: >= 20,000 read a second, live rate kept.
# The gateway under test gets core 0 alone; the broker and the drivers share the other core(s). See bench/README.md.
set -euo pipefail

usage() {
  sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'EOF'
Options:
  --quick               1 round, 5 s warm-up, 5 s measured, 1,000 subscriptions, 100 changes, 20,000 replay events:
                        checks that everything runs, no figures
  --rounds N            rounds of the yaml, sub1, sub10, sub10k, start and replay phases, interleaved (default 2)
  --warmup S            least warm-up of an acting phase (default 15), then 5 s more at a time while the gateway's JIT
                        compilers use more than 10% of its core; also the replay's warm-up
  --warmup-max S        longest warm-up of an acting phase (default 90, as bench/run-actions.sh)
  --duration S          measured seconds of an acting phase (default 10)
  --window N            events between "written" and "delivered" in the acting phases (default 64)
  --subscriptions N     the store's and sub10k's subscriptions (default 10000)
  --changes N           changes timed from one replica to the other (default 1000)
  --writers N           gateways applying the store's creates (one per commands partition; default 4)
  --replay-events N     events in the replayed range (default 200000), 1 in 100 for the replayed subscription
  --live-rate R         live events a second during the replay phase (default 200: well under what the gateway
                        delivers at most, see the acting phases, else the live deliveries fall behind by themselves)
  --only LIST           phases among store,replicas,start,yaml,sub1,sub10,sub10k,replay (default all; replicas,
                        start and sub10k need the topics store fills, so store runs whenever one of them does)
  --no-build            use the existing target/hookgate.jar and bench classes as they are
Environment: BENCH_SERVER_CPUS (default 0), BENCH_LOAD_CPUS (default the other cores), BENCH_BROKER_CPUS
  (default = BENCH_LOAD_CPUS), BENCH_START_CPUS (the start phase's deployment cores, default 0-1), BENCH_SERVER_JVM_OPTS (more options for the gateways under test, e.g. a JFR recording
  -XX:StartFlightRecording=filename=/tmp/gw.jfr with --only and one phase: every gateway writes that file), BENCH_JAR (another hookgate jar than target/hookgate.jar,
  with --no-build: to compare two builds).
EOF
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
ROUNDS=2
WARMUP=15
WARMUP_MAX=90
DURATION=10
WINDOW=64
SUBSCRIPTIONS=10000
CHANGES=1000
WRITERS=4
REPLAY_EVENTS=200000
LIVE_RATE=200
BASELINE=10
ONLY="store,replicas,start,yaml,sub1,sub10,sub10k,replay"
BUILD=1
QUICK=0
ARGS="$*"
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) QUICK=1; ROUNDS=1; WARMUP=5; WARMUP_MAX=5; DURATION=5; SUBSCRIPTIONS=1000; CHANGES=100; REPLAY_EVENTS=20000
      BASELINE=3 ;;
    --rounds) ROUNDS=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --warmup-max) WARMUP_MAX=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --window) WINDOW=$2; shift ;;
    --subscriptions) SUBSCRIPTIONS=$2; shift ;;
    --changes) CHANGES=$2; shift ;;
    --writers) WRITERS=$2; shift ;;
    --replay-events) REPLAY_EVENTS=$2; shift ;;
    --live-rate) LIVE_RATE=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --no-build) BUILD=0 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
for s in ${ONLY//,/ }; do
  case $s in store | replicas | start | yaml | sub1 | sub10 | sub10k | replay) ;;
    *) echo "unknown phase '$s' (store, replicas, start, yaml, sub1, sub10, sub10k, replay)" >&2; exit 2 ;;
  esac
done
wants() { [[ ",$ONLY," == *",$1,"* ]]; }
if (wants replicas || wants start || wants sub10k) && ! wants store; then ONLY="store,$ONLY"; fi

NCPU=$(nproc)
if ((NCPU < 2)); then
  echo "the benchmark needs at least 2 cores: one for the gateway under test, one for the load" >&2
  exit 1
fi
SERVER_CPUS=${BENCH_SERVER_CPUS:-0}
if ((NCPU == 2)); then DEFAULT_LOAD=1; else DEFAULT_LOAD="1-$((NCPU - 1))"; fi
LOAD_CPUS=${BENCH_LOAD_CPUS:-$DEFAULT_LOAD}
BROKER_CPUS=${BENCH_BROKER_CPUS:-$LOAD_CPUS}
# The start phase also runs the gateway as deployed: k8s/base/deployment.yaml limits it to 2 CPUs, which the JVM
# sees as 2 processors (its JIT compilers then work beside the read instead of taking turns with it on one core).
START_CPUS=${BENCH_START_CPUS:-0-1}
# shellcheck disable=SC2206 # BENCH_SERVER_JVM_OPTS is a list of options
# (Preceded by -XX:ActiveProcessorCount=<its cores>: 1 but in the start phase's deployment run.)
SERVER_JVM=(-Xms512m -Xmx512m ${BENCH_SERVER_JVM_OPTS:-})
DRIVER_JVM=(-XX:ActiveProcessorCount=1 -Xms512m -Xmx512m)
BODY=$BENCH/payloads/kili-onsubmit-2k.json
LOGBACK=$BENCH/conf/logback-management.xml
CLK_TCK=$(getconf CLK_TCK)
FIRST_SERVER_CPU=${SERVER_CPUS%%[,-]*}
FIRST_LOAD_CPU=${LOAD_CPUS%%[,-]*}
# The benchmark webhook's project: project 0 of the events and subscriptions (io.hookgate.bench.management.Projects).
PROJECT0=$(grep -o '"projectId":"[^"]*"' "$BODY" | head -1 | sed 's/.*:"\(.*\)"/\1/')

log() { echo "[bench-management $(date +%H:%M:%S)] $*" >&2; }

for tool in java taskset curl mvn jcmd; do
  command -v $tool >/dev/null 2>&1 || { echo "$tool is required" >&2; exit 1; }
done

JAR=${BENCH_JAR:-$ROOT/target/hookgate.jar}
if ((BUILD)); then
  if [[ ! -f $JAR ]] || [[ -n $(find "$ROOT/src/main" "$ROOT/pom.xml" "$ROOT/conf" -newer "$JAR" -print -quit) ]]; then
    log "building target/hookgate.jar (mvn -q -DskipTests package)"
    (cd "$ROOT" && mvn -B -q -DskipTests package)
  fi
  log "compiling the bench classes (mvn -q -f bench/pom.xml compile)"
  (cd "$BENCH" && mvn -B -q compile)
fi
[[ -f $JAR ]] || { echo "missing $JAR: run without --no-build" >&2; exit 1; }
CP="$JAR:$BENCH/target/classes:$BENCH/target/lib/*"

# --- run directory, broker -----------------------------------------------------------------------------
TS=$(date -u +%Y%m%dT%H%M%SZ)
RUN=$BENCH/results/management-$TS
REPORT=$BENCH/results/management-$TS.md
mkdir -p "$RUN"
DATA=$(mktemp -d "${TMPDIR:-/tmp}/hookgate-bench-management-kafka.XXXXXX")
BROKER_PID=""
SERVER_PID=""
REPLICA_PID=""
DRIVER_PID=""
cleanup() {
  stop_pid "$DRIVER_PID" 2
  stop_pid "$SERVER_PID" 5
  stop_pid "$REPLICA_PID" 5
  stop_pid "$BROKER_PID" 30
  rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_broker

AUTH="bench-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
ADMIN_TOKEN="admin-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
SIGNING_SECRET="whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
# One sink port for the whole run: the subscriptions' URLs point at it, and each phase's driver listens on it.
SINK_PORT=$(java_ports 1)
SINK_BASE="http://127.0.0.1:$SINK_PORT/sink/"
STORE_SET=bench.m.store

# A gateway's configuration: its own topics per phase (events, actions, delivery logs, jobs), the subscriptions'
# topics of its set, the management API with an admin token, subscriptions allowed to call the loopback sink.
gateway_config() { # file tag subscriptions-set kind(yaml|sub|replay|start) [events-topic]
  local file=$1 tag=$2 set=$3 kind=$4 events=${5:-bench.m.$2.events} extra=""
  if [[ $kind == yaml ]]; then
    extra="targets:
  sink:
    baseUrl: ${SINK_BASE}yaml
    signingSecret: env:SINK_SIGNING_SECRET
    allowPrivateNetwork: true
rules:
  - name: forward-all
    actions:
      - target: sink
        kind: forward"
  elif [[ $kind == replay ]]; then
    # The events topic was filled before this gateway started: the live matching starts at its end, and only
    # the recover reads the fill.
    extra="rulesEngine:
  groupId: bench.m.$tag.rules
  autoOffsetReset: latest"
  fi
  cat >"$file" <<EOF
# Written by bench/run-management.sh for phase $tag. Ports, Kafka and secrets come from environment variables.
ingress:
  host: 127.0.0.1
  instances: 1
  publishTimeout: 5s
api:
  tokens:
    - role: admin
      secret: env:HOOKGATE_ADMIN_TOKEN
encryption:
  keys: [env:HOOKGATE_ENCRYPTION_KEY]
subscriptions:
  allowedHosts: [127.0.0.1]
kafka:
  producer: {}
  topics:
    events: {name: $events, partitions: 6}
    actions: {name: bench.m.$tag.actions, partitions: 6}
    actionsRetry: {name: bench.m.$tag.actions.retry, partitions: 6}
    deadLetter: {name: bench.m.$tag.actions.dlq, partitions: 3}
    deliveryStatus: {name: bench.m.$tag.delivery.status, partitions: 3, compacted: true}
    subscriptions: {name: $set.subscriptions, partitions: 3, compacted: true}
    subscriptionCommands: {name: $set.subscriptions.commands, partitions: $WRITERS}
    operations: {name: $set.operations, partitions: 3}
    jobs: {name: bench.m.$tag.jobs, partitions: 3, compacted: true}
sources:
  kili:
    kind: kili
    auth:
      type: header
      header: Authorization
      secrets:
        - env: KILI_WEBHOOK_SECRET
$extra
EOF
}

# The cores of a taskset list (0-1,3 -> 3).
cpu_count() {
  local n=0 part
  for part in ${1//,/ }; do
    if [[ $part == *-* ]]; then n=$((n + ${part#*-} - ${part%-*} + 1)); else n=$((n + 1)); fi
  done
  echo "$n"
}

start_gateway() { # config log-file ingress-port management-port [cores (default the server's)]
  local cpus=${5:-$SERVER_CPUS}
  (
    cd "$RUN"
    exec env HOOKGATE_CONFIG="$1" KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" KILI_WEBHOOK_SECRET="$AUTH" \
      SINK_SIGNING_SECRET="$SIGNING_SECRET" HOOKGATE_ENCRYPTION_KEY="$ENCRYPTION_KEY" HOOKGATE_ADMIN_TOKEN="$ADMIN_TOKEN" \
      HOOKGATE_INGRESS_PORT="$3" HOOKGATE_MANAGEMENT_PORT="$4" HOOKGATE_MANAGEMENT_HOST=127.0.0.1 \
      HOOKGATE_INGRESS_INSTANCES=1 HOOKGATE_INGRESS_ACCESS_LOG=false \
      taskset -c "$cpus" java -XX:ActiveProcessorCount="$(cpu_count "$cpus")" "${SERVER_JVM[@]}" \
      -Dlogback.configurationFile="$LOGBACK" -jar "$JAR"
  ) >"$2" 2>&1 &
  SERVER_PID=$!
}

# Waits for a driver to finish; false when the gateway died first.
await_driver() { # phase round driver-log
  while kill -0 "$DRIVER_PID" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      log "$1 round $2: the gateway ended during the phase (see its log); running the phase again"
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
    tail -20 "$3" >&2
    echo "$1 round $2: the driver failed (exit status $status)" >&2
    exit 1
  fi
  tail -1 "$3" | sed 's/^/    /' >&2
  return 0
}

# The project of subscription sub-i (io.hookgate.bench.management.Projects).
project_id() { # i
  if (($1 == 0)); then echo "$PROJECT0"; else printf '%s%05d' "${PROJECT0:0:$((${#PROJECT0} - 5))}" "$1"; fi
}

# sub-0 .. sub-(n-1) through the management API, once the gateway takes writes.
create_subscriptions() { # management-port n
  local api="http://127.0.0.1:$1/api/v1" i status
  for ((i = 0; i < $2; i++)); do
    for _ in $(seq 1 480); do
      status=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$api/subscriptions/sub-$i" \
        -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
        -d "{\"url\":\"${SINK_BASE}$i\",\"filter\":{\"sources\":[\"kili\"],\"projects\":[\"$(project_id "$i")\"]}}" || true)
      [[ $status == 201 || $status == 200 ]] && break
      kill -0 "$SERVER_PID" 2>/dev/null || return 1
      sleep 0.25
    done
    [[ $status == 201 || $status == 200 ]] || { log "PUT sub-$i answered $status"; return 1; }
  done
}

# --- phases --------------------------------------------------------------------------------------------
phase_store() {
  log "store: $SUBSCRIPTIONS subscriptions through the service of a gateway ($WRITERS writers in one JVM on core(s)" \
    "$SERVER_CPUS)"
  env HOOKGATE_ENCRYPTION_KEY="$ENCRYPTION_KEY" taskset -c "$SERVER_CPUS" java -XX:ActiveProcessorCount=1 -Xms1g -Xmx1g \
    -Dlogback.configurationFile="$LOGBACK" -cp "$CP" io.hookgate.bench.management.StoreBench \
    --bootstrap "$BOOTSTRAP" --topics "$STORE_SET" --count "$SUBSCRIPTIONS" --writers "$WRITERS" \
    --project "$PROJECT0" --sink-base "$SINK_BASE" --out "$RUN/store.tsv" >"$RUN/store.log" 2>&1 ||
    { grep '^\[store' "$RUN/store.log" >&2; tail -30 "$RUN/store.log" >&2; exit 1; }
  grep '^\[store' "$RUN/store.log" | sed 's/^/    /' >&2
}

# Waits until a gateway's /health/ready answers 200; false when it ended or after 120 s.
await_ready() { # management-port pid
  for _ in $(seq 1 240); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/health/ready" || true) == 200 ]] && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

# Two gateway processes (A, B) on the store's topics, both on the server core(s); changes PUT on A, seen on B.
attempt_replicas() { # attempt
  local ia ma ib mb ca=$RUN/hookgate-replica-a$1.yaml cb=$RUN/hookgate-replica-b$1.yaml ok=0
  read -r ia ma ib mb < <(java_ports 4)
  gateway_config "$ca" "rpa$1" "$STORE_SET" start
  gateway_config "$cb" "rpb$1" "$STORE_SET" start
  log "replicas: gateways A and B on $STORE_SET (core(s) $SERVER_CPUS), $CHANGES changes PUT on A, seen on B"
  start_gateway "$ca" "$RUN/replica-a.gateway.log" "$ia" "$ma"
  REPLICA_PID=$SERVER_PID
  start_gateway "$cb" "$RUN/replica-b.gateway.log" "$ib" "$mb"
  if await_ready "$ma" "$REPLICA_PID" && await_ready "$mb" "$SERVER_PID"; then
    if taskset -c "$LOAD_CPUS" java "${DRIVER_JVM[@]}" -cp "$CP" io.hookgate.bench.management.ReplicaBench \
      --a "http://127.0.0.1:$ma/api/v1" --b "http://127.0.0.1:$mb/api/v1" --admin-token "$ADMIN_TOKEN" \
      --count "$SUBSCRIPTIONS" --changes "$CHANGES" --warm-changes $((CHANGES / 10)) --project "$PROJECT0" \
      --sink-base "$SINK_BASE" --out "$RUN/replicas.tsv" >"$RUN/replicas.log" 2>&1; then
      ok=1
    fi
    grep '^\[replicas' "$RUN/replicas.log" | sed 's/^/    /' >&2 || true
    ((ok)) || tail -20 "$RUN/replicas.log" >&2
  else
    log "replicas: a gateway did not get ready (see replica-a/b.gateway.log)"
  fi
  stop_pid "$SERVER_PID" 20
  stop_pid "$REPLICA_PID" 20
  SERVER_PID=""
  REPLICA_PID=""
  ((ok))
}

# A fresh gateway process on the store's topics: from its reader's "Assigned to partition(s)" to "Subscriptions: N read".
attempt_start() { # round attempt cores
  local cores
  cores=$(cpu_count "$3")
  local tag="st$1c${cores}a$2" ports ingress mgmt config=$RUN/hookgate-st$1c${cores}a$2.yaml
  local glog=$RUN/start.$1.${cores}cpu.gateway.log t0 line
  ports=$(java_ports 2)
  read -r ingress mgmt <<<"$ports"
  gateway_config "$config" "$tag" "$STORE_SET" start
  log "round $1/$ROUNDS, start: a gateway on $STORE_SET.subscriptions (core(s) $3)"
  t0=$(date +%s%3N)
  start_gateway "$config" "$glog" "$ingress" "$mgmt" "$3"
  for _ in $(seq 1 240); do
    grep -q 'Subscriptions: [0-9]* read from' "$glog" && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.5
  done
  line=$(grep -m1 'Subscriptions: [0-9]* read from' "$glog" || true)
  local assigned
  assigned=$(grep -m1 'clientId=hookgate-subscriptions-reader.*Assigned to partition' "$glog" || true)
  stop_pid "$SERVER_PID" 20
  SERVER_PID=""
  if [[ -z $line || -z $assigned ]]; then
    log "start round $1: no 'Subscriptions: N read' (or no reader assignment) in $glog"
    return 1
  fi
  local n t_read t_assigned records
  n=$(sed 's/.*Subscriptions: \([0-9]*\) read from.*/\1/' <<<"$line")
  t_read=$(date -d "${line%% *}" +%s%3N)
  t_assigned=$(date -d "${assigned%% *}" +%s%3N)
  records=$(java -cp "$CP" io.hookgate.bench.TopicCounts "$BOOTSTRAP" "$STORE_SET.subscriptions" | cut -f2)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$n" "$((t_read - t_assigned))" "$((t_read - t0))" "$records" "$cores" \
    >>"$RUN/start.tsv"
  log "    $n subscriptions ($records records) read in $((t_read - t_assigned)) ms; $((t_read - t0)) ms after the launch"
}

# run-actions.sh's acting phase, routed by a YAML rule and target (yaml) or by N subscriptions (subN).
attempt_acting() { # id round attempt
  local id=$1 round=$2 tag="${1}r$2a$3" ports ingress mgmt config kind=sub set projects=1 create=0
  case $id in
    yaml) kind=yaml; set=bench.m.$tag ;;
    sub1) set=bench.m.$tag; create=1 ;;
    sub10) set=bench.m.$tag; create=10; projects=10 ;;
    sub10k) set=$STORE_SET; projects=$SUBSCRIPTIONS ;;
  esac
  ports=$(java_ports 2)
  read -r ingress mgmt <<<"$ports"
  config=$RUN/hookgate-$tag.yaml
  gateway_config "$config" "$tag" "$set" "$kind"
  local pidfile=$RUN/$id.$round.pid dlog=$RUN/$id.$round.driver.log
  rm -f "$pidfile"
  log "round $round/$ROUNDS, $id: gateway on core(s) $SERVER_CPUS, events of $projects project(s)"
  taskset -c "$LOAD_CPUS" java "${DRIVER_JVM[@]}" -cp "$CP" io.hookgate.bench.actions.ActionsDriver \
    --mode acting --phase-id "$id" --projects "$projects" --round "$round" --sink-port "$SINK_PORT" \
    --server-pid-file "$pidfile" --broker-pid "$BROKER_PID" --connections "$WINDOW" --window "$WINDOW" \
    --warmup "$WARMUP" --warmup-max "$WARMUP_MAX" --duration "$DURATION" --clk-tck "$CLK_TCK" \
    --server-core "$FIRST_SERVER_CPU" --load-core "$FIRST_LOAD_CPU" --load-cpus "$LOAD_CPUS" --out "$RUN/results.tsv" \
    --threads-out "$RUN/$id.$round.threads.tsv" --ingress-url "http://127.0.0.1:$ingress/webhooks/kili" \
    --auth "$AUTH" --body "$BODY" --id-prefix "$tag" --bootstrap "$BOOTSTRAP" --events-topic "bench.m.$tag.events" \
    >"$dlog" 2>&1 &
  DRIVER_PID=$!
  for _ in $(seq 1 120); do
    grep -q '^SINK READY' "$dlog" && break
    kill -0 "$DRIVER_PID" 2>/dev/null || { cat "$dlog" >&2; exit 1; }
    sleep 0.5
  done
  start_gateway "$config" "$RUN/$id.$round.gateway.log" "$ingress" "$mgmt"
  echo "$SERVER_PID" >"$pidfile"
  if ((create > 0)) && ! create_subscriptions "$mgmt" "$create"; then
    log "$id round $round: the subscriptions could not be created"
  fi
  local ok=0
  await_driver "$id" "$round" "$dlog" && ok=1
  stop_pid "$SERVER_PID" 40
  SERVER_PID=""
  if ((ok)); then
    java -cp "$CP" io.hookgate.bench.TopicCounts "$BOOTSTRAP" "bench.m.$tag.events" "bench.m.$tag.actions" \
      "bench.m.$tag.actions.retry" "bench.m.$tag.actions.dlq" "bench.m.$tag.delivery.status" |
      awk -v p="$id" -v r="$round" -F'\t' '{ n[NR] = $2 } END { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p, r, n[1], n[2], n[3], n[4], n[5] }' \
        >>"$RUN/topics.tsv"
  fi
  ((ok))
}

REPLAY_TOPIC=bench.m.replay.events
replay_fill() {
  log "replay: filling $REPLAY_TOPIC with $REPLAY_EVENTS events, 1 in 100 for the replayed subscription"
  taskset -c "$LOAD_CPUS" java "${DRIVER_JVM[@]}" -cp "$CP" io.hookgate.bench.management.ReplayDriver --mode fill \
    --bootstrap "$BOOTSTRAP" --topic "$REPLAY_TOPIC" --events "$REPLAY_EVENTS" --every 100 --body "$BODY" \
    --out "$RUN/fill.tsv" 2>&1 | grep '^\[replay' | sed 's/^/    /' >&2
  [[ -s $RUN/fill.tsv ]] || { echo "the replay fill failed" >&2; exit 1; }
}

attempt_replay() { # round attempt
  local round=$1 tag="rpr$1a$2" ports ingress mgmt config pidfile dlog
  ports=$(java_ports 2)
  read -r ingress mgmt <<<"$ports"
  config=$RUN/hookgate-$tag.yaml
  gateway_config "$config" "$tag" "bench.m.$tag" replay "$REPLAY_TOPIC"
  pidfile=$RUN/replay.$round.pid
  dlog=$RUN/replay.$round.driver.log
  rm -f "$pidfile"
  log "round $round/$ROUNDS, replay: gateway on core(s) $SERVER_CPUS, live deliveries at $LIVE_RATE/s, then a recover"
  taskset -c "$LOAD_CPUS" java "${DRIVER_JVM[@]}" -cp "$CP" io.hookgate.bench.management.ReplayDriver --mode run \
    --round "$round" --bootstrap "$BOOTSTRAP" --topic "$REPLAY_TOPIC" --body "$BODY" --fill "$RUN/fill.tsv" \
    --api "http://127.0.0.1:$mgmt/api/v1" --admin-token "$ADMIN_TOKEN" --sink-port "$SINK_PORT" \
    --server-pid-file "$pidfile" --broker-pid "$BROKER_PID" --live-rate "$LIVE_RATE" --warmup "$WARMUP" \
    --baseline "$BASELINE" --clk-tck "$CLK_TCK" --out "$RUN/replay.$round.tsv" >"$dlog" 2>&1 &
  DRIVER_PID=$!
  for _ in $(seq 1 120); do
    grep -q '^SINK READY' "$dlog" && break
    kill -0 "$DRIVER_PID" 2>/dev/null || { cat "$dlog" >&2; exit 1; }
    sleep 0.5
  done
  start_gateway "$config" "$RUN/replay.$round.gateway.log" "$ingress" "$mgmt"
  echo "$SERVER_PID" >"$pidfile"
  local ok=0
  await_driver replay "$round" "$dlog" && ok=1
  grep '^\[replay' "$dlog" | sed 's/^/    /' >&2 || true
  stop_pid "$SERVER_PID" 40
  SERVER_PID=""
  ((ok))
}

phase() { # id round
  local attempt
  for attempt in 1 2; do
    case $1 in
      start) attempt_start "$2" "$attempt" "$START_CPUS" && return 0 ;;
      start1) attempt_start "$2" "$attempt" "$SERVER_CPUS" && return 0 ;;
      replicas) attempt_replicas "$attempt" && return 0 ;;
      replay) attempt_replay "$2" "$attempt" && return 0 ;;
      *) attempt_acting "$1" "$2" "$attempt" && return 0 ;;
    esac
  done
  echo "$1 round $2: failed twice; giving up (logs in $RUN)" >&2
  exit 1
}

UPTIME_START=$(uptime)
log "load before the run: $UPTIME_START"
: >"$RUN/results.tsv"
: >"$RUN/start.tsv"
if wants store; then phase_store; fi
if wants replicas; then phase replicas 1; fi
if wants replay; then replay_fill; fi
for ((round = 1; round <= ROUNDS; round++)); do
  # Each round starts one phase later, so that a drift of the machine's load does not always hit the same phase.
  phases=(sub10k sub10 yaml sub1 start replay)
  for ((i = 0; i < ${#phases[@]}; i++)); do
    id=${phases[$(((i + round - 1) % ${#phases[@]}))]}
    wants "$id" && phase "$id" "$round"
    # The same read on one core, right after: for reference, not the target.
    if [[ $id == start ]] && wants start && [[ $(cpu_count "$START_CPUS") != "$(cpu_count "$SERVER_CPUS")" ]]; then
      phase start1 "$round"
    fi
  done
done
UPTIME_END=$(uptime)

# --- report --------------------------------------------------------------------------------------------
LOG_TABLE=""
for f in "$RUN"/*.gateway.log; do
  [[ -f $f ]] || continue
  name=${f##*/}
  LOG_TABLE+="| ${name%.gateway.log} | $(grep -c ' ERROR ' "$f" || true) | $(grep -c ' WARN ' "$f" || true) | $(grep -c 'has been blocked' "$f" || true) |"$'\n'
done
COMMIT=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(cd "$ROOT" && git status --porcelain -- src pom.xml conf bench 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
{
  echo "# hookgate management benchmark, $TS"
  echo
  echo "Command: \`bench/run-management.sh${ARGS:+ $ARGS}\` at commit $COMMIT$DIRTY"
  if [[ -n ${BENCH_JAR:-} ]]; then echo; echo "Gateway jar: \`$JAR\` (BENCH_JAR)"; fi
  echo
  echo "- Machine: $NCPU cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(free -g | awk '/Mem:/ { print $2 }') GiB;" \
    "$(java -version 2>&1 | head -1)"
  echo "- Load before the run: \`$UPTIME_START\`"
  echo "- Load after the run: \`$UPTIME_END\`"
  echo "- Gateway under test on core(s) $SERVER_CPUS with \`-XX:ActiveProcessorCount=$(cpu_count "$SERVER_CPUS") ${SERVER_JVM[*]}\` (start: also on" \
    "core(s) $START_CPUS, the deployment's CPU limit, with \`-XX:ActiveProcessorCount=$(cpu_count "$START_CPUS")\`; the store's fill: its writers in one JVM," \
    "\`-Xmx1g\`; replicas: A and B both there); drivers (sink, event writers) on core(s) $LOAD_CPUS; the broker (own JVM) on core(s) $BROKER_CPUS"
  echo "- $ROUNDS round(s), phases interleaved, a fresh gateway JVM and fresh topics per phase (but the store's" \
    "subscriptions, which replicas, start and sub10k read); acting phases: warm-up of ${WARMUP}-${WARMUP_MAX} s, ${DURATION} s" \
    "measured, a window of $WINDOW events; replay: $REPLAY_EVENTS events, live deliveries at $LIVE_RATE/s"
  if ((QUICK)); then echo "- **--quick: a smoke run, not figures**"; fi
  echo
  java -cp "$CP" io.hookgate.bench.management.ManagementReport "$RUN" "$SUBSCRIPTIONS"
  if [[ -n $LOG_TABLE ]]; then
    echo
    echo "Gateway logs per phase (round): ERROR and WARN lines, and of those the event loop blocked warnings (the"
    echo "machine gave the gateway no CPU for seconds: such a phase measured the machine, not hookgate)."
    echo
    echo "| phase.round | ERROR | WARN | event loop blocked |"
    echo "|---|---:|---:|---:|"
    echo -n "$LOG_TABLE"
  fi
  echo
  echo "## Raw"
  echo
  echo '```'
  for f in store.tsv replicas.tsv fill.tsv; do [[ -f $RUN/$f ]] && { echo "# $f"; cat "$RUN/$f"; }; done
  echo "# start.tsv: round, subscriptions read, reader assigned -> read (ms), launch -> read (ms), records in the topic," \
    "cores"
  cat "$RUN/start.tsv"
  for f in "$RUN"/replay.*.tsv; do [[ -f $f ]] && { echo "# ${f##*/}"; cat "$f"; }; done
  echo "# results.tsv"
  java -cp "$CP" io.hookgate.bench.actions.ActionsReport --header
  cat "$RUN/results.tsv"
  echo '```'
} >"$REPORT"
echo
awk '/^## Targets/ { p = 1; print; next } /^## / { p = 0 } p' "$REPORT"
echo "Full report: ${REPORT#"$ROOT"/} (logs and raw output in ${RUN#"$ROOT"/}/)"
