package io.hookgate.bench.management;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Where an event record holds its project id (the record key, {@code data.projectId}, the webhook body kept as
 * {@code data.original}, any header), found once, so that a copy of the record for another project of the same
 * length is a copy of the bytes with those spots overwritten: no JSON is read or written per event.
 */
public final class ProjectSpots {
  private final byte[] project;
  private final byte[] key;
  private final byte[] value;
  private final int[] inKey;
  private final int[] inValue;
  private final Header[] headers;
  private final int[][] inHeaders;

  public ProjectSpots(byte[] key, byte[] value, Header[] headers) {
    this.project = key.clone();
    this.key = key;
    this.value = value;
    this.inKey = find(key, project);
    this.inValue = find(value, project);
    this.headers = headers.clone();
    this.inHeaders = new int[headers.length][];
    for (int i = 0; i < headers.length; i++) {
      inHeaders[i] = headers[i].value() == null ? new int[0] : find(headers[i].value(), project);
    }
    if (inValue.length == 0) {
      throw new IllegalArgumentException("the record's value does not hold its key (the project id)");
    }
  }

  /** Occurrences of the project in the value, for the report: key and headers aside. */
  public int valueSpots() {
    return inValue.length;
  }

  public byte[] key(byte[] other) {
    return patch(key, inKey, other);
  }

  public byte[] value(byte[] other) {
    return patch(value, inValue, other);
  }

  /** Replaces, in {@code target} (a copy of the template's headers), those that hold the project. */
  public void headers(Header[] target, byte[] other) {
    for (int i = 0; i < headers.length; i++) {
      if (inHeaders[i].length > 0) {
        target[i] = new RecordHeader(headers[i].key(), patch(headers[i].value(), inHeaders[i], other));
      }
    }
  }

  private byte[] patch(byte[] bytes, int[] at, byte[] other) {
    if (other.length != project.length) {
      throw new IllegalArgumentException("project ids must keep the template's length");
    }
    if (at.length == 0 || Arrays.equals(other, project)) {
      return bytes;
    }
    byte[] out = bytes.clone();
    for (int p : at) {
      System.arraycopy(other, 0, out, p, other.length);
    }
    return out;
  }

  private static int[] find(byte[] in, byte[] what) {
    List<Integer> at = new ArrayList<>();
    outer : for (int i = 0; i + what.length <= in.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (in[i + j] != what[j]) {
          continue outer;
        }
      }
      at.add(i);
      i += what.length - 1;
    }
    return at.stream().mapToInt(Integer::intValue).toArray();
  }
}
