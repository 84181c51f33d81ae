package p3backup.backup;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed number of part-size buffers, made when first needed and reused: what bounds the
 * memory of large uploads, whatever the file sizes. {@link #take} blocks while all are in use.
 */
final class BufferPool {
  private final int size;
  private final int max;
  private final BlockingQueue<byte[]> free;
  private final AtomicInteger made = new AtomicInteger();

  BufferPool(int bufferSize, int count) {
    this.size = bufferSize;
    this.max = count;
    this.free = new ArrayBlockingQueue<>(count);
  }

  byte[] take() throws InterruptedException {
    byte[] b = free.poll();
    if (b != null) {
      return b;
    }
    if (made.incrementAndGet() <= max) {
      return new byte[size];
    }
    made.decrementAndGet();
    return free.take();
  }

  void give(byte[] buffer) {
    free.offer(buffer);
  }
}
