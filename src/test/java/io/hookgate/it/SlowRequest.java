package io.hookgate.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A webhook POST written over a plain socket in two parts: the headers and half of the body now, the rest
 * on {@link #finish()}. Between the two the request is in flight on the server, which is what a graceful
 * shutdown must let finish.
 */
final class SlowRequest implements AutoCloseable {
  /** The status line's code and the body of the answer. */
  record Answer(int status, String body) {
  }

  private final Socket socket;
  private final byte[] rest;

  private SlowRequest(Socket socket, byte[] rest) {
    this.socket = socket;
    this.rest = rest;
  }

  static SlowRequest begin(int port, String path, String authorization, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    int half = bytes.length / 2;
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    String head = "POST " + path + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Authorization: " + authorization + "\r\n"
        + "Content-Type: application/json\r\n"
        + "Content-Length: " + bytes.length + "\r\n"
        + "\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(bytes, 0, half);
    out.flush();
    byte[] rest = new byte[bytes.length - half];
    System.arraycopy(bytes, half, rest, 0, rest.length);
    return new SlowRequest(socket, rest);
  }

  /** Sends the rest of the body and reads the answer. */
  Answer finish() throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(rest);
    out.flush();
    InputStream in = socket.getInputStream();
    String statusLine = line(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP answer: " + statusLine);
    }
    int length = -1;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      int colon = header.indexOf(':');
      if (colon > 0 && header.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
        length = Integer.parseInt(header.substring(colon + 1).trim());
      }
    }
    byte[] body = length >= 0 ? in.readNBytes(length) : in.readAllBytes();
    return new Answer(Integer.parseInt(parts[1]), new String(body, StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        buf.write(b);
      }
    }
    if (b == -1 && buf.size() == 0) {
      throw new IOException("connection closed before an answer");
    }
    return buf.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
