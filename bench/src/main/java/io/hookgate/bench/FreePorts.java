package io.hookgate.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Prints N distinct free TCP ports on the loopback interface, space-separated, for run.sh. */
public final class FreePorts {
  private FreePorts() {
  }

  public static void main(String[] args) throws IOException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    // Hold every socket until all are chosen, so the same port is not handed out twice.
    List<ServerSocket> held = new ArrayList<>();
    StringBuilder out = new StringBuilder();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        out.append(i == 0 ? "" : " ").append(s.getLocalPort());
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    System.out.println(out);
  }
}
