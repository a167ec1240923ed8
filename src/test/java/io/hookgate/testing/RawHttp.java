package io.hookgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what an HTTP client library will not do on purpose: announce a body
 * and not send it, stall half-way, stream chunks without end. Reads one response and whether the server
 * then closed the connection.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  /** A parsed response; header names in lower case. */
  /** @param reason the status line's reason phrase */
  public record Response(int status, Map<String, String> headers, String body, String reason) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  public RawHttp(String host, int port) throws IOException {
    socket = new Socket(host, port);
    socket.setSoTimeout(15_000);
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  /** Writes the request line and headers (a Host header is added). */
  public RawHttp head(String method, String path, Map<String, String> headers) throws IOException {
    StringBuilder sb = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(socket.getInetAddress().getHostAddress()).append(':').append(socket.getPort())
        .append("\r\n");
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    sb.append("\r\n");
    return write(sb.toString().getBytes(StandardCharsets.US_ASCII));
  }

  public RawHttp write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Writes one chunk of the chunked transfer coding. */
  public RawHttp chunk(byte[] data) throws IOException {
    write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    write(data);
    return write("\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Writes chunks of {@code size} bytes until {@code total} bytes are sent or the server stops reading
   * (it answered and closed); never sends the last chunk, so the request never ends from our side.
   */
  public long chunksUpTo(int size, long total) {
    byte[] data = new byte[size];
    java.util.Arrays.fill(data, (byte) ' ');
    long sent = 0;
    try {
      while (sent < total) {
        chunk(data);
        sent += size;
      }
    } catch (IOException closedByServer) {
      // Expected once the server has refused the body.
    }
    return sent;
  }

  /** Reads one response (Content-Length or chunked body). */
  public Response readResponse() throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    String[] parts = statusLine.split(" ", 3);
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); l != null && !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (int n = Integer.parseInt(line().trim(), 16); n > 0; n = Integer.parseInt(line().trim(), 16)) {
        body.write(in.readNBytes(n));
        line();
      }
      line();
    }
    return new Response(status, headers, body.toString(StandardCharsets.UTF_8), parts.length > 2 ? parts[2] : "");
  }

  /** Whether the server closed the connection (EOF or reset) within the socket timeout. */
  public boolean closedByServer() {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
