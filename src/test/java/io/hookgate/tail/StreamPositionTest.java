package io.hookgate.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SSE id of a stream: the next offset of every partition, written and read back. */
class StreamPositionTest {

  @Test
  void anIdIsTheNextOffsetOfEveryPartitionAndReadsBack() {
    String id = StreamPosition.format(new long[] {1043, 0, 1210});
    assertThat(id).isEqualTo("0:1043,1:0,2:1210");
    assertThat(StreamPosition.parse(id)).containsExactly(Map.entry(0, 1043L), Map.entry(1, 0L), Map.entry(2, 1210L));
    assertThat(StreamPosition.parse(" 2:5 , 0:7")).containsEntry(2, 5L).containsEntry(0, 7L).hasSize(2);
  }

  @Test
  void whatIsNotSuchAnIdIsRefusedSayingWhy() {
    assertThatThrownBy(() -> StreamPosition.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> StreamPosition.parse("abc")).hasMessageContaining("not partition:offset");
    assertThatThrownBy(() -> StreamPosition.parse("0:1,x:2")).hasMessageContaining("'x:2'");
    assertThatThrownBy(() -> StreamPosition.parse("0:-1")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> StreamPosition.parse("0:1,0:2")).hasMessageContaining("given twice");
    assertThatThrownBy(() -> StreamPosition.parse("99999:1")).hasMessageContaining("out of range");
  }
}
