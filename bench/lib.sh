# Shared by bench/run.sh, bench/run-actions.sh and bench/run-management.sh (sourced, not run): stopping a
# process, free ports, and the Kafka broker every benchmark starts in a JVM of its own. Expects CP (the bench
# classpath), BROKER_CPUS, DATA (the broker's data folder), RUN (the run's folder) and a log function.

stop_pid() { # pid seconds: SIGTERM, then SIGKILL after the given time
  [[ -n $1 ]] || return 0
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 $(($2 * 2))); do kill -0 "$1" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

java_ports() { java -cp "$CP" io.hookgate.bench.FreePorts "$1"; }

# Starts the broker on BROKER_CPUS and waits until it is ready; sets KAFKA_PORT, BROKER_PID and BOOTSTRAP.
start_broker() {
  local controller_port
  read -r KAFKA_PORT controller_port < <(java_ports 2)
  log "starting the broker on 127.0.0.1:$KAFKA_PORT (cores $BROKER_CPUS, data $DATA)"
  taskset -c "$BROKER_CPUS" java -Xms1g -Xmx1g -cp "$CP" io.hookgate.bench.BrokerMain "$DATA" "$KAFKA_PORT" \
    "$controller_port" >"$RUN/broker.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 1 240); do
    grep -q '^BROKER READY' "$RUN/broker.log" && break
    kill -0 "$BROKER_PID" 2>/dev/null || { tail -20 "$RUN/broker.log" >&2; echo "the broker did not start" >&2; exit 1; }
    sleep 0.5
  done
  grep -q '^BROKER READY' "$RUN/broker.log" || { echo "the broker did not start within 120 s" >&2; exit 1; }
  BOOTSTRAP=127.0.0.1:$KAFKA_PORT
}
