package io.hookgate.pull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The client's messages of Apollo's legacy {@code subscriptions-transport-ws} protocol (WebSocket subprotocol
 * {@code graphql-ws}), which Kili's subscriptions speak; not the newer {@code graphql-transport-ws}. The server
 * answers {@code connection_ack} or {@code connection_error}, then {@code data}, {@code error} and
 * {@code complete} per operation, and {@code ka} (keep-alive) between them.
 */
final class GraphqlWsMessages {
  static final String SUBPROTOCOL = "graphql-ws";
  static final String CONNECTION_ACK = "connection_ack";
  static final String CONNECTION_ERROR = "connection_error";
  static final String KEEP_ALIVE = "ka";
  static final String DATA = "data";
  static final String ERROR = "error";
  static final String COMPLETE = "complete";

  private final ObjectMapper mapper;

  GraphqlWsMessages(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * {@code connection_init} as Kili's SDK sends it: the API key as {@code "X-API-Key: <key>"} under
   * {@code Authorization}, both in the payload and in its {@code headers}.
   */
  String connectionInit(String authorization) {
    ObjectNode m = mapper.createObjectNode().put("type", "connection_init");
    ObjectNode payload = m.putObject("payload");
    headers(payload, authorization);
    payload.put("Authorization", authorization);
    return m.toString();
  }

  /** {@code start} of operation {@code id}: the document, its variables, and the headers, as the SDK sends them. */
  String start(String id, String query, ObjectNode variables, String authorization) {
    ObjectNode m = mapper.createObjectNode().put("id", id).put("type", "start");
    ObjectNode payload = m.putObject("payload");
    headers(payload, authorization);
    payload.put("query", query);
    payload.set("variables", variables);
    return m.toString();
  }

  String stop(String id) {
    return mapper.createObjectNode().put("id", id).put("type", "stop").toString();
  }

  String connectionTerminate() {
    return mapper.createObjectNode().put("type", "connection_terminate").toString();
  }

  private static void headers(ObjectNode payload, String authorization) {
    payload.putObject("headers")
        .put("Accept", "application/json")
        .put("Content-Type", "application/json")
        .put("Authorization", authorization);
  }
}
