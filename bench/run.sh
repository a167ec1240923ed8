#!/usr/bin/env bash
# hookgate benchmark: one command, one run, every scenario against the same broker. See bench/README.md.
#
#   bench/run.sh [--quick] [--rounds N] [--warmup S] [--warmup-max S] [--duration S] [--connections N]
#                [--only A,B,Bv,Bce,C,Clog,Cref,Ctail] [--ref-jar JAR] [--tail-clients N] [--tail-filter MODE]
#                [--producer key=value]... [--profile] [--no-build]
#
# Scenarios: A bare Vert.x (204), B Vert.x + plain Kafka producer (202 after acks=all), Bv (B') the same
# with vertx-kafka-client's wrapper, Bce B writing the record hookgate writes (its size and ce_* headers) but
# doing none of hookgate's work, C hookgate's Kili path with the access log off, Clog the same with it
# on; Cref is C run from another build of hookgate (--ref-jar), to compare two builds in one run; Ctail is C
# with live-tail streams open on its management port (not run by default: --only C,Ctail). The server
# under test gets core 0 alone; wrk, the broker and Ctail's stream clients share the other core(s).
set -euo pipefail

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'EOF'
Options:
  --quick              1 round, 3 s warm-up, 5 s measured (a smoke run, not figures)
  --rounds N           run every scenario N times, interleaved, and report medians (default 3)
  --warmup S           least warm-up seconds per scenario, discarded (default 20, 120 when Ctail runs); the
                       warm-up then goes on in 5 s steps while the JIT compilers still use more than 10% of the
                       server's core
  --warmup-max S       longest warm-up (default 90)
  --duration S         measured seconds per scenario (default 20)
  --connections N      concurrent connections held by wrk (default 64)
  --only LIST          comma-separated scenarios among A,B,Bv,Bce,C,Clog,Cref,Ctail (default A,B,Bv,Bce,C,Clog,
                       and Cref when --ref-jar is given)
  --ref-jar JAR        scenario Cref: C with this hookgate jar (e.g. one built from an earlier commit), so that a
                       change is measured against what it changes in the same run
  --tail-clients N     Ctail: live-tail streams held open during the warm-up and the measured phase (default 100)
  --tail-filter MODE   Ctail: what the streams follow: projects (default: one the benchmark's project, the others a
                       project each that gets nothing), other (a project each: every event is filtered for every
                       stream, none is sent), none (no filter: every stream gets every event)
  --producer k=v       extra producer property for B, B', Bce and C alike (repeatable), e.g. linger.ms=5
  --profile            record JFR during each measured phase and report where the time goes
  --no-build           use the existing target/hookgate.jar and bench classes as they are
Environment: BENCH_SERVER_CPUS (default 0), BENCH_LOAD_CPUS (default the other cores),
  BENCH_BROKER_CPUS (default = BENCH_LOAD_CPUS), BENCH_WRK_THREADS, BENCH_SERVER_JVM_OPTS (added).
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
JIT_QUIET=10 # percent of one core: below this the JIT has compiled the hot path and the server is warm
CONNECTIONS=64
ONLY="A,B,Bv,Bce,C,Clog"
ONLY_SET=0
REF_JAR=""
PROFILE=0
BUILD=1
TAIL_CLIENTS=100
TAIL_FILTER=projects
PRODUCER=()
ARGS="$*"
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) ROUNDS=1; WARMUP=3; WARMUP_MAX=3; DURATION=5 ;;
    --rounds) ROUNDS=$2; shift ;;
    --warmup) WARMUP=$2; WARMUP_SET=1; shift ;;
    --warmup-max) WARMUP_MAX=$2; WARMUP_MAX_SET=1; shift ;;
    --duration) DURATION=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    --only) ONLY=$2; ONLY_SET=1; shift ;;
    --ref-jar) REF_JAR=$2; shift ;;
    --producer) PRODUCER+=("$2"); shift ;;
    --tail-clients) TAIL_CLIENTS=$2; shift ;;
    --tail-filter) TAIL_FILTER=$2; shift ;;
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
  ((ONLY_SET)) || ONLY+=",Cref"
fi
for s in ${ONLY//,/ }; do
  case $s in A | B | Bv | Bce | C | Clog | Ctail) ;; Cref) [[ -n $REF_JAR ]] || { echo "scenario Cref needs --ref-jar" >&2; exit 2; } ;;
    *) echo "unknown scenario '$s' (A, B, Bv, Bce, C, Clog, Cref, Ctail)" >&2; exit 2 ;; esac
done
wants() { [[ ",$ONLY," == *",$1,"* ]]; }
# The live tail's own code (its Kafka reader, the streams' writers) runs held to its CPU budget, so the JIT
# compiles it late: after 45 s of warm-up C2 still took 8.5% of the core in Ctail's measured window against 1.3%
# in C's (bench/README.md, live tail). A run with Ctail warms every scenario for 120 s unless told otherwise, so
# that C and Ctail are compared warm and alike.
if wants Ctail && ((!${WARMUP_SET:-0})); then WARMUP=120; fi
if ((!${WARMUP_MAX_SET:-0} && WARMUP_MAX < WARMUP)); then WARMUP_MAX=$WARMUP; fi

NCPU=$(nproc)
if ((NCPU < 2)); then
  echo "the benchmark needs at least 2 cores: one for the server under test, one for the load" >&2
  exit 1
fi
SERVER_CPUS=${BENCH_SERVER_CPUS:-0}
if ((NCPU == 2)); then DEFAULT_LOAD=1; else DEFAULT_LOAD="1-$((NCPU - 1))"; fi
LOAD_CPUS=${BENCH_LOAD_CPUS:-$DEFAULT_LOAD}
BROKER_CPUS=${BENCH_BROKER_CPUS:-$LOAD_CPUS}
WRK_THREADS=${BENCH_WRK_THREADS:-$((NCPU - 1))}
# shellcheck disable=SC2206 # BENCH_SERVER_JVM_OPTS is split into options on purpose
SERVER_JVM=(-XX:ActiveProcessorCount=1 -Xms512m -Xmx512m ${BENCH_SERVER_JVM_OPTS:-})
BODY=$BENCH/payloads/kili-onsubmit-2k.json
LUA=$BENCH/lua/webhook.lua
KEY=clfcblkni05pq0jrq8wgib142 # the body's logPayload.projectId: B's record key, as hookgate keys by project
CLK_TCK=$(getconf CLK_TCK)

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

# --- tools and builds ----------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing wrk (apt-get install -y wrk)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is not installed: sudo apt-get install -y wrk" >&2
    exit 1
  fi
fi
for tool in java taskset curl mvn; do
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
BODY_BYTES=$(wc -c <"$BODY")

# --- run directory, broker -----------------------------------------------------------------------------
TS=$(date -u +%Y%m%dT%H%M%SZ)
RUN=$BENCH/results/$TS
REPORT=$BENCH/results/$TS.md
mkdir -p "$RUN"
DATA=$(mktemp -d "${TMPDIR:-/tmp}/hookgate-bench-kafka.XXXXXX")
BROKER_PID=""
SERVER_PID=""
cleanup() {
  if [[ -n ${TAIL_PID:-} ]]; then kill -TERM "$TAIL_PID" 2>/dev/null || true; fi
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
  if [[ -n $BROKER_PID ]] && kill -0 "$BROKER_PID" 2>/dev/null; then
    kill -TERM "$BROKER_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$BROKER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_broker

# The same configuration file for B, B' and C: the producer settings cannot differ between them.
CONFIG=$RUN/hookgate-bench.yaml
BLOCK=""
if ((${#PRODUCER[@]})); then
  BLOCK="  producer:"
  for kv in "${PRODUCER[@]}"; do
    [[ $kv == *=* ]] || { echo "--producer takes key=value, not $kv" >&2; exit 2; }
    BLOCK+=$'\n'"    \"${kv%%=*}\": \"${kv#*=}\""
  done
fi
BLOCK=$BLOCK awk '$0 == "  producer: {}" && ENVIRON["BLOCK"] != "" { print ENVIRON["BLOCK"]; next } { print }' \
  "$BENCH/conf/hookgate-bench.yaml" >"$CONFIG"
AUTH="bench-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
VIEWER="viewer-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')" # the management API's token, for Ctail's streams

# --- measuring -----------------------------------------------------------------------------------------
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# busy and total ticks of one /proc/stat line ("cpu" for the machine, "cpu0" for core 0)
cpu_ticks() { awk -v c="$1" '$1 == c { busy = $2 + $3 + $4 + $7 + $8 + $9; total = busy + $5 + $6; print busy, total }' /proc/stat; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print "?" }'; }
FIRST_SERVER_CPU=${SERVER_CPUS%%[,-]*}
# "tid<TAB>name<TAB>ticks" for every thread of a process (names as the kernel keeps them, 15 characters)
thread_ticks() {
  local t name
  for t in /proc/"$1"/task/*; do
    name=$(cat "$t/comm" 2>/dev/null) || continue
    printf '%s\t%s\t%s\n' "${t##*/}" "$name" "$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "$t/stat" 2>/dev/null || echo 0)"
  done
}
# CPU per thread group between two thread_ticks snapshots, in percent of one core, busiest first
thread_cpu() { # before after wall-ticks
  awk -F'\t' -v wall="$3" 'NR == FNR { before[$1] = $3; next }
    { name = $2; gsub(/[#-]?[0-9]+$/, "", name); used[name] += $3 - before[$1] }
    END { for (n in used) if (used[n] > 0) printf "%s\t%.1f\n", n, 100 * used[n] / wall }' "$1" "$2" | sort -t$'\t' -k2,2nr
}

run_wrk() { # label seconds out-file
  BENCH_BODY=$BODY BENCH_AUTH=$AUTH BENCH_LABEL=$1 BENCH_OUT=$3 \
    taskset -c "$LOAD_CPUS" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$2"s --timeout 10s --latency -s "$LUA" "$URL"
}

TAIL_PID=""
start_tail_clients() { # id round: Ctail's streams, on the load core(s), before the warm-up
  local out="$RUN/$1.$2.tail.txt"
  log "scenario $1: opening $TAIL_CLIENTS live-tail streams (filter $TAIL_FILTER) on the management port $MGMT_PORT"
  taskset -c "$LOAD_CPUS" java -Xmx256m -cp "$CP" io.hookgate.bench.TailClients "$MGMT_PORT" "$VIEWER" "$TAIL_CLIENTS" \
    "$TAIL_FILTER" "$KEY" >"$out" 2>&1 &
  TAIL_PID=$!
  for _ in $(seq 1 120); do
    grep -q '^TAIL CLIENTS READY' "$out" && break
    kill -0 "$TAIL_PID" 2>/dev/null || break
    sleep 0.5
  done
  grep '^TAIL CLIENTS READY' "$out" >&2 || { tail -20 "$out" >&2; echo "scenario $1: the stream clients did not start" >&2; exit 1; }
}

stop_tail_clients() {
  [[ -n $TAIL_PID ]] || return 0
  kill -TERM "$TAIL_PID" 2>/dev/null || true
  wait "$TAIL_PID" 2>/dev/null || true
  TAIL_PID=""
}

stop_server() {
  stop_tail_clients
  [[ -n $SERVER_PID ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 80); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# Someone else's process may take the server down (a shared machine): the phase is then run again, once.
scenario() { # round id expected-status command...
  local attempt
  for attempt in 1 2; do
    if attempt_scenario "$attempt" "$@"; then
      return 0
    fi
  done
  echo "scenario $2: the server died twice; giving up (logs in $RUN)" >&2
  exit 1
}

server_gone() { # attempt id what: true (and logs why) when the server under test is no longer running
  kill -0 "$SERVER_PID" 2>/dev/null && return 1
  local status=0
  wait "$SERVER_PID" 2>/dev/null || status=$?
  log "scenario $2: the server process ended during the $3 (exit status $status, attempt $1; see its log)"
  SERVER_PID=""
  return 0
}

attempt_scenario() { # attempt round id expected-status command...
  local attempt=$1 round=$2 id=$3 expected=$4
  shift 4
  local port log_file="$RUN/$id.$round.server.log"
  ((attempt == 1)) || log_file="$RUN/$id.$round.attempt$attempt.server.log"
  port=$(java_ports 2)
  MGMT_PORT=${port#* }
  port=${port%% *}
  URL=http://127.0.0.1:$port/webhooks/kili
  log "round $round/$ROUNDS, scenario $id: starting the server on core(s) $SERVER_CPUS, port $port"
  # JFR starts with the JVM: started later with jcmd, it made C2 recompile through the measured phase.
  EXTRA_JVM=()
  if ((PROFILE)); then
    # shellcheck disable=SC2054 # the commas belong to the option
    # DebugNonSafepoints: without it a sample in compiled code is charged to the nearest safepoint poll
    # (loop back-edges, returns), which made short loops such as a symbol-table probe look like a tenth of C.
    EXTRA_JVM=(-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
      -XX:StartFlightRecording=settings=profile,dumponexit=true,filename="$RUN/$id.$round.jfr")
  fi
  PORT=$port "$@" >"$log_file" 2>&1 &
  SERVER_PID=$!
  local code=""
  for _ in $(seq 1 240); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
      -H "Authorization: $AUTH" --data-binary @"$BODY" "$URL" || true)
    [[ $code == "$expected" ]] && { echo "$id" >>"$RUN/probes"; break; }
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.5
  done
  if [[ $code != "$expected" ]]; then
    tail -30 "$log_file" >&2
    echo "scenario $id: the server never answered $expected (last: $code)" >&2
    exit 1
  fi
  if [[ $id == Ctail ]]; then start_tail_clients "$id" "$round"; fi
  log "scenario $id: warm-up ${WARMUP}s"
  run_wrk "$id" "$WARMUP" "$RUN/warmup.tsv" >"$RUN/$id.$round.warmup.txt" || true
  if server_gone "$attempt" "$id" warm-up; then return 1; fi
  # On one shared core the JIT needs far longer than on a laptop to compile hookgate's path (C2 alone took
  # a third of the core 10 s into a warm-up): measuring before it is done would charge compilation to C.
  local warmed=$WARMUP jit w0 w1
  while ((warmed < WARMUP_MAX)); do
    thread_ticks "$SERVER_PID" >"$RUN/threads.before"
    w0=$(date +%s.%N)
    run_wrk "$id" 5 "$RUN/warmup.tsv" >>"$RUN/$id.$round.warmup.txt" || true
    w1=$(date +%s.%N)
    if server_gone "$attempt" "$id" warm-up; then return 1; fi
    thread_ticks "$SERVER_PID" >"$RUN/threads.after"
    warmed=$((warmed + 5))
    jit=$(thread_cpu "$RUN/threads.before" "$RUN/threads.after" \
      "$(awk -v a="$w0" -v b="$w1" -v hz="$CLK_TCK" 'BEGIN { print (b - a) * hz }')" |
      awk -F'\t' '/Compiler/ { s += $2 } END { printf "%.0f", s }')
    log "scenario $id: JIT compilers used ${jit}% of a core in the last 5 s of warm-up"
    ((jit > JIT_QUIET)) || break
  done
  log "scenario $id: measuring ${DURATION}s"
  local s0 b0 c0 m0 s1 b1 c1 m1 t0 t1
  thread_ticks "$SERVER_PID" >"$RUN/threads.before"
  s0=$(proc_ticks "$SERVER_PID")
  b0=$(proc_ticks "$BROKER_PID")
  c0=$(cpu_ticks "cpu$FIRST_SERVER_CPU")
  m0=$(cpu_ticks cpu)
  t0=$(date +%s.%N)
  rm -f "$RUN/$id.line"
  run_wrk "$id" "$DURATION" "$RUN/$id.line" >"$RUN/$id.$round.wrk.txt" || true
  t1=$(date +%s.%N)
  if server_gone "$attempt" "$id" "measured phase"; then return 1; fi
  s1=$(proc_ticks "$SERVER_PID")
  thread_ticks "$SERVER_PID" >"$RUN/threads.after"
  b1=$(proc_ticks "$BROKER_PID")
  c1=$(cpu_ticks "cpu$FIRST_SERVER_CPU")
  m1=$(cpu_ticks cpu)
  local wall_ticks server_pct broker_pct core_pct machine_pct
  wall_ticks=$(awk -v a="$t0" -v b="$t1" -v hz="$CLK_TCK" 'BEGIN { print (b - a) * hz }')
  server_pct=$(pct $((s1 - s0)) "$wall_ticks")
  thread_cpu "$RUN/threads.before" "$RUN/threads.after" "$wall_ticks" >"$RUN/$id.$round.threads.tsv"
  broker_pct=$(pct $((b1 - b0)) "$wall_ticks")
  core_pct=$(pct $((${c1% *} - ${c0% *})) $((${c1#* } - ${c0#* })))
  machine_pct=$(pct $((${m1% *} - ${m0% *})) $((${m1#* } - ${m0#* })))
  printf '%s\t%s\t%s\t%s\n' "$id" "$round" "$t0" "$t1" >>"$RUN/windows.tsv"
  [[ -s $RUN/$id.line ]] || { echo "scenario $id: wrk wrote no result" >&2; cat "$RUN/$id.$round.wrk.txt" >&2; exit 1; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(cat "$RUN/$id.line")" "$(cut -d' ' -f1 /proc/loadavg)" \
    "$server_pct" "$broker_pct" "$core_pct" "$machine_pct" "$round" "$warmed" >>"$RUN/results.tsv"
  log "scenario $id: $(awk -F'\t' '{ printf "%.0f req/s, p50 %.2f ms, p99 %.2f ms, non-2xx %d", $4, $5/1000, $7/1000, $12 }' "$RUN/$id.line")"
  stop_server
}

SERVER_PREFIX=(taskset -c "$SERVER_CPUS" java "${SERVER_JVM[@]}")
KAFKA_ENV=(env HOOKGATE_CONFIG="$CONFIG" KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP")
hookgate() { # access-log on|off [jar]; PORT and MGMT_PORT come from scenario()
  # Runs in scenario()'s background subshell: cd stays there, exec keeps $! the JVM's pid.
  cd "$RUN"
  exec env HOOKGATE_CONFIG="$CONFIG" KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" KILI_WEBHOOK_SECRET="$AUTH" \
    HOOKGATE_INGRESS_PORT="$PORT" HOOKGATE_MANAGEMENT_PORT="$MGMT_PORT" HOOKGATE_MANAGEMENT_HOST=127.0.0.1 \
    HOOKGATE_INGRESS_INSTANCES=1 HOOKGATE_INGRESS_ACCESS_LOG="$1" HOOKGATE_VIEWER_TOKEN="$VIEWER" \
    "${SERVER_PREFIX[@]}" "${EXTRA_JVM[@]}" -jar "${2:-$JAR}"
}
bare() { exec "${SERVER_PREFIX[@]}" "${EXTRA_JVM[@]}" -cp "$CP" io.hookgate.bench.BareServer "$PORT"; }
kafka_handler() {
  exec "${KAFKA_ENV[@]}" "${SERVER_PREFIX[@]}" "${EXTRA_JVM[@]}" -cp "$CP" io.hookgate.bench.KafkaHandlerServer "$1" "$PORT" "$2" "$KEY" "$BODY"
}

UPTIME_START=$(uptime)
log "load before the run: $UPTIME_START"
: >"$RUN/results.tsv"
: >"$RUN/warmup.tsv"
: >"$RUN/probes"
: >"$RUN/windows.tsv"
run_one() { # round id
  case $2 in
    A) scenario "$1" A 204 bare ;;
    B) scenario "$1" B 202 kafka_handler plain bench.plain ;;
    Bv) scenario "$1" Bv 202 kafka_handler vertx-kafka-client bench.vertx ;;
    Bce) scenario "$1" Bce 202 kafka_handler cloudevent-record bench.ce ;;
    C) scenario "$1" C 202 hookgate false ;;
    Clog) scenario "$1" Clog 202 hookgate true ;;
    Cref) scenario "$1" Cref 202 hookgate false "$REF_JAR" ;;
    Ctail) scenario "$1" Ctail 202 hookgate false ;;
  esac
}
ORDER=()
for id in A B Bv Bce C Clog Cref Ctail; do wants $id && ORDER+=("$id"); done
# Each round starts one scenario later, so a slow drift of the machine's load does not always hit the same one.
for ((round = 1; round <= ROUNDS; round++)); do
  for ((i = 0; i < ${#ORDER[@]}; i++)); do
    run_one "$round" "${ORDER[$(((i + round - 1) % ${#ORDER[@]}))]}"
  done
done
UPTIME_END=$(uptime)

# --- what each step of C's path costs, outside HTTP and Kafka, on the server's core ----------------------
if wants C || wants Clog; then
  if ((WARMUP_MAX <= 3)); then STEP_ARGS=(0.5 3); else STEP_ARGS=(2 15); fi
  log "timing each step of hookgate's Kili path (PipelineCost) on core(s) $SERVER_CPUS"
  STEPS=$(taskset -c "$SERVER_CPUS" java "${SERVER_JVM[@]}" -cp "$CP" io.hookgate.bench.PipelineCost "$BODY" "${STEP_ARGS[@]}")
fi

# --- check: every 2xx of B, B', C stands for a record in Kafka -----------------------------------------
answered() { # 2xx answers counted by wrk (warm-up + measured) + the readiness probes that got their 202
  local n=0
  for id in "$@"; do
    n=$((n + $(awk -F'\t' -v id="$id" '$1 == id { s += $2 - $12 } END { print s + 0 }' "$RUN/warmup.tsv" "$RUN/results.tsv")))
    n=$((n + $(grep -cx "$id" "$RUN/probes" || true)))
  done
  echo $n
}
wrk_runs() { # wrk invocations for these scenarios: each may leave up to one request per connection uncounted
  local n=0
  for id in "$@"; do
    n=$((n + $(awk -F'\t' -v id="$id" '$1 == id { c++ } END { print c + 0 }' "$RUN/warmup.tsv" "$RUN/results.tsv")))
  done
  echo $n
}
CHECK=""
TOPICS=()
wants B && TOPICS+=(bench.plain)
wants Bv && TOPICS+=(bench.vertx)
wants Bce && TOPICS+=(bench.ce)
{ wants C || wants Clog || wants Cref || wants Ctail; } && TOPICS+=(hookgate.events)
if ((${#TOPICS[@]})); then
  while IFS=$'\t' read -r topic records; do
    case $topic in
      bench.plain) ids=(B) ;;
      bench.vertx) ids=(Bv) ;;
      bench.ce) ids=(Bce) ;;
      *) ids=(); wants C && ids+=(C); wants Clog && ids+=(Clog); wants Cref && ids+=(Cref); wants Ctail && ids+=(Ctail) ;;
    esac
    n=$(answered "${ids[@]}")
    slack=$((CONNECTIONS * $(wrk_runs "${ids[@]}")))
    verdict="OK"
    if ((records < n || records > n + slack)); then verdict="MISMATCH"; fi
    CHECK+="- $topic: $records records in Kafka; wrk counted $n 2xx answers, plus at most $slack requests in flight when one of its runs stopped, which it does not count: $verdict"$'\n'
  done < <(java -cp "$CP" io.hookgate.bench.TopicCounts "$BOOTSTRAP" "${TOPICS[@]}")
fi

# --- report --------------------------------------------------------------------------------------------
TABLE=$(java -cp "$CP" io.hookgate.bench.Report "$RUN/results.tsv")
PROFILES=""
if ((PROFILE)); then
  for id in A B Bv Bce C Clog Cref Ctail; do
    # The last round's recording: the JIT has had the longest to settle by then, and one is enough to read.
    [[ -f $RUN/$id.$ROUNDS.jfr ]] || continue
    requests=$(awk -F'\t' -v id="$id" -v r="$ROUNDS" '$1 == id && $18 == r { print $2 }' "$RUN/results.tsv")
    window=$(awk -F'\t' -v id="$id" -v r="$ROUNDS" '$1 == id && $2 == r { w = $3 " " $4 } END { print w }' "$RUN/windows.tsv")
    # shellcheck disable=SC2086 # the window is two numbers
    PROFILES+=$(java -cp "$CP" io.hookgate.bench.JfrHotspots "$RUN/$id.$ROUNDS.jfr" "$id (round $ROUNDS)" "$requests" $window)$'\n\n'
  done
fi
COMMIT=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(cd "$ROOT" && git status --porcelain -- src pom.xml conf bench 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
{
  echo "# hookgate benchmark, $TS"
  echo
  echo "Command: \`bench/run.sh${ARGS:+ $ARGS}\` at commit $COMMIT$DIRTY"
  echo
  echo "- Machine: $NCPU cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(free -g | awk '/Mem:/ { print $2 }') GiB;" \
    "$(java -version 2>&1 | head -1); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "- Load before the run: \`$UPTIME_START\`"
  echo "- Load after the run: \`$UPTIME_END\`"
  echo "- Server under test on core(s) $SERVER_CPUS with \`${SERVER_JVM[*]}\`, one event loop, one verticle instance;" \
    "wrk ($WRK_THREADS thread(s)) on core(s) $LOAD_CPUS; the broker (own JVM) on core(s) $BROKER_CPUS"
  echo "- Load: $CONNECTIONS connections, POST of a ${BODY_BYTES}-byte Kili onSubmit webhook with Authorization and" \
    "Content-Type headers, closed loop (each connection sends its next request when the answer arrives)"
  echo "- $ROUNDS round(s), scenarios interleaved; per scenario and round a fresh server JVM, a warm-up (discarded) of" \
    "${WARMUP} s and then 5 s more at a time while the JIT compilers use more than ${JIT_QUIET}% of the core (at most" \
    "${WARMUP_MAX} s), then ${DURATION} s measured. The table gives the median over the rounds of each column."
  echo "- Producer (B, B', Bce and C alike, from hookgate's KafkaClientFactory): acks=all, idempotent, max.block.ms=0," \
    "linger.ms=2 unless overridden; overrides: ${PRODUCER[*]:-none}"
  echo
  echo "## Results"
  echo
  echo "$TABLE"
  echo
  echo "Server CPU: the server process's CPU time over the measured phase (100% = one core). Server core busy: all" \
    "processes on core $FIRST_SERVER_CPU; the part above the server's share is other processes (other developers' builds)" \
    "taking the server's core. Machine busy: all cores, all processes (100% = every core)."
  echo
  echo "## Server CPU by thread (percent of one core, measured phase, last round)"
  echo
  echo "Where each server's CPU went: its event loop, Kafka's producer thread, the JIT compilers, GC, and so on."
  echo
  echo "| thread | $(for id in "${ORDER[@]}"; do printf '%s | ' "$id"; done)"
  echo "|---|$(for _ in "${ORDER[@]}"; do printf -- '---:|'; done)"
  cut -f1 "$RUN"/*."$ROUNDS".threads.tsv | sort -u | while read -r thread; do
    line="| $thread |"
    for id in "${ORDER[@]}"; do
      line+=" $(awk -F'\t' -v t="$thread" '$1 == t { v = $2 } END { print (v == "" ? "-" : v) }' "$RUN/$id.$ROUNDS.threads.tsv" 2>/dev/null) |"
    done
    echo "$line"
  done
  echo
  if [[ -n ${STEPS:-} ]]; then
    echo "## What each step of C's path costs"
    echo
    echo "$STEPS"
    echo
    echo "CPU time of the calling thread per call, in a loop outside HTTP and Kafka (PipelineCost); the steps are" \
      "the calls the ingress's WebhookNormalizer makes for a Kili webhook."
    echo
  fi
  if wants Ctail; then
    echo "## Ctail's live-tail streams"
    echo
    echo "$TAIL_CLIENTS streams on the management port, filter mode \`$TAIL_FILTER\`, opened before the warm-up and" \
      "read by one Vert.x client on core(s) $LOAD_CPUS (bench/src/main/java/io/hookgate/bench/TailClients.java);" \
      "what they got, per round (warm-up included):"
    echo
    for ((round = 1; round <= ROUNDS; round++)); do
      [[ -f $RUN/Ctail.$round.tail.txt ]] && echo "- round $round: $(grep '^tail clients:' "$RUN/Ctail.$round.tail.txt" || echo 'no summary')"
    done
    echo
  fi
  if [[ -n $CHECK ]]; then
    echo "## Every 202 is in Kafka"
    echo
    echo -n "$CHECK"
    echo
  fi
  if [[ -n $PROFILES ]]; then
    echo "## Profiles (JFR, measured phase)"
    echo
    echo "$PROFILES"
  fi
  echo "## Raw"
  echo
  echo "results.tsv: id, requests, seconds, req/s, p50, p90, p99, p99.9, max, mean (us), socket errors, non-2xx, load1, server CPU %, broker CPU %, core $FIRST_SERVER_CPU busy %, machine busy %, round, warm-up s"
  echo
  echo '```'
  cat "$RUN/results.tsv"
  echo '```'
  for ((round = 1; round <= ROUNDS; round++)); do
    for id in A B Bv Bce C Clog Cref Ctail; do
      [[ -f $RUN/$id.$round.wrk.txt ]] || continue
      echo
      echo "wrk, $id, round $round:"
      echo '```'
      cat "$RUN/$id.$round.wrk.txt"
      echo '```'
    done
  done
} >"$REPORT"
echo
echo "$TABLE"
[[ -n $CHECK ]] && echo && echo -n "$CHECK"
echo
echo "Full report: ${REPORT#"$ROOT"/} (logs, JFR recordings and raw output in ${RUN#"$ROOT"/}/)"
