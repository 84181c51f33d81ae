package p3backup.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import p3backup.paths.EntryType;
import p3backup.paths.KeyMapper;
import p3backup.problems.RunListener;
import p3backup.scan.Digests;
import p3backup.scan.FileStat;
import p3backup.scan.LocalEntry;
import p3backup.snapshot.ManifestEntry;
import p3backup.storage.Body;
import p3backup.storage.MultipartUpload;
import p3backup.storage.ObjectAttributes;
import p3backup.storage.ObjectStore;
import p3backup.storage.PutResult;

/**
 * Backs up one file that may have changed: hashes it while reading, compares with the recorded
 * SHA-256, and uploads only different content: in one request up to the part size, else as a
 * multipart upload whose parts go up in parallel from a bounded pool of buffers. The recorded
 * hash is always that of the bytes uploaded; a file that changes while it is read is read again,
 * and after {@link #ATTEMPTS} tries it is reported.
 */
final class Uploader {
  static final int ATTEMPTS = 3;
  /** Files up to this size are read into their worker's own array rather than a pooled buffer. */
  private static final int SMALL = 1 << 20;
  /** The smallest array a worker keeps for small files. */
  private static final int MIN_OWN = 64 << 10;

  private final ObjectStore store;
  private final BackupOptions options;
  private final ObjectAttributes attributes;
  private final BufferPool buffers;
  /** Pools of larger buffers, for files that need larger parts than the chosen size. */
  private final Map<Long, BufferPool> largerBuffers = new java.util.concurrent.ConcurrentHashMap<>();
  private final int buffersPerPool;
  private final ExecutorService partPool;
  private final RunListener listener;
  /**
   * Each worker's array for small files, grown to the largest it has read (at most
   * {@link #SMALL}) and reused: a fresh array per file made garbage as fast as files went up,
   * and with a heap kept small the collector ran a full collection every ten megabytes or so.
   */
  private final ThreadLocal<byte[]> own = new ThreadLocal<>();

  Uploader(ObjectStore store, BackupOptions options, BufferPool buffers, int buffersPerPool,
      ExecutorService partPool, RunListener listener) {
    this.buffersPerPool = buffersPerPool;
    this.store = store;
    this.options = options;
    this.attributes = new ObjectAttributes(null, Map.of(), options.storageClass(), options.sse(),
        options.sseKmsKeyId());
    this.buffers = buffers;
    this.partPool = partPool;
    this.listener = listener;
  }

  /** The outcome for one file. */
  sealed interface Outcome {}

  /** The content was uploaded (or, in a dry run, would be). */
  record Uploaded(ManifestEntry entry, long bytes) implements Outcome {}

  /** The content equals the recorded one: nothing uploaded. */
  record Same(ManifestEntry entry) implements Outcome {}

  /** The file could not be backed up; the message says why. */
  record Failed(String message) implements Outcome {}

  /** The file vanished after the scan: not part of this snapshot. */
  record Vanished() implements Outcome {}

  Outcome backup(LocalEntry local, ManifestEntry previous) throws InterruptedException {
    Path file = local.file();
    FileStat stat = local.stat();
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      if (attempt > 1) {
        try {
          stat = FileStat.read(file, options.followLinks());
        } catch (NoSuchFileException e) {
          return new Vanished();
        } catch (IOException e) {
          return new Failed("cannot read attributes: " + e.getMessage());
        }
      }
      try {
        Outcome o = stat.size() <= options.partSize()
            ? whole(local, file, stat, previous)
            : multipart(local, file, stat, previous);
        if (o != null) {
          return o;
        }
        listener.detail(local.path() + ": changed while being read; reading it again");
      } catch (NoSuchFileException e) {
        return new Vanished();
      } catch (IOException e) {
        return new Failed("cannot read: " + describe(e));
      }
    }
    return new Failed("changed while being read, " + ATTEMPTS + " times: not backed up; back it"
        + " up again once it is no longer being written");
  }

  /** Reads the whole file into memory, then uploads it if it differs. Null: changed while read. */
  private Outcome whole(LocalEntry local, Path file, FileStat stat, ManifestEntry previous)
      throws IOException, InterruptedException {
    int size = (int) stat.size();
    byte[] pooled = size > SMALL ? buffers.take() : null;
    try {
      byte[] data = pooled != null ? pooled : ownArray(size);
      MessageDigest sha = Digests.sha256();
      try (InputStream in = Files.newInputStream(file)) {
        int n = in.readNBytes(data, 0, size);
        if (n != size || in.read() != -1) {
          return null;
        }
      }
      sha.update(data, 0, size);
      byte[] digest = sha.digest();
      if (!unchangedSince(file, stat)) {
        return null;
      }
      String hex = Digests.hex(digest);
      if (previous != null && hex.equals(previous.sha256())) {
        listener.bytes(size);
        return new Same(entry(local, stat, hex, previous.versionId()));
      }
      if (options.dryRun()) {
        listener.bytes(size);
        return new Uploaded(entry(local, stat, hex, null), size);
      }
      PutResult r = store.put(options.bucket(), key(local), new Body(data, 0, size, digest, null),
          attributes(local, stat));
      listener.bytes(size);
      return new Uploaded(entry(local, stat, hex, r.versionId()), size);
    } finally {
      if (pooled != null) {
        buffers.give(pooled);
      }
    }
  }

  /** This worker's array for small files, at least {@code size} long. */
  private byte[] ownArray(int size) {
    byte[] a = own.get();
    if (a == null || a.length < size) {
      a = new byte[Math.max(MIN_OWN, Integer.highestOneBit(Math.max(size - 1, 1)) << 1)];
      own.set(a);
    }
    return a;
  }

  /**
   * Uploads a large file in parts: one thread reads and hashes in order, parts go up in
   * parallel. When the file may be unchanged it is hashed first, so that identical content costs
   * no upload. Null: changed while read.
   */
  private Outcome multipart(LocalEntry local, Path file, FileStat stat, ManifestEntry previous)
      throws IOException, InterruptedException {
    if (previous != null && previous.sha256() != null && previous.size() == stat.size()) {
      String hex = hashOnly(file, stat);
      if (hex == null) {
        return null;
      }
      if (hex.equals(previous.sha256())) {
        listener.bytes(stat.size());
        return new Same(entry(local, stat, hex, previous.versionId()));
      }
    }
    if (options.dryRun()) {
      String hex = hashOnly(file, stat);
      listener.bytes(stat.size());
      return hex == null ? null : new Uploaded(entry(local, stat, hex, null), stat.size());
    }
    PartPlan plan = PartPlan.of(stat.size(), options.partSize());
    BufferPool pool = plan.partSize() == options.partSize() ? buffers
        : largerBuffers.computeIfAbsent(plan.partSize(),
            size -> new BufferPool(Math.toIntExact(size), buffersPerPool));
    MultipartUpload upload = store.startMultipart(options.bucket(), key(local), attributes(local, stat));
    boolean completed = false;
    List<Future<?>> parts = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      MessageDigest sha = Digests.sha256();
      long total = 0;
      int partNumber = 0;
      while (true) {
        byte[] buf = pool.take();
        int n;
        try {
          n = readFully(ch, buf, buf.length);
        } catch (IOException | RuntimeException e) {
          pool.give(buf);
          throw e;
        }
        if (n == 0) {
          pool.give(buf);
          break;
        }
        sha.update(buf, 0, n);
        total += n;
        int number = ++partNumber;
        Body body = Body.withCrc32c(buf, 0, n);
        parts.add(partPool.submit(() -> {
          try {
            upload.uploadPart(number, body);
            listener.bytes(n);
          } finally {
            pool.give(buf);
          }
          return null;
        }));
        if (total > stat.size()) {
          break;
        }
      }
      for (Future<?> f : parts) {
        await(f);
      }
      if (total != stat.size() || !unchangedSince(file, stat)) {
        return null;
      }
      PutResult r = upload.complete(partNumber);
      completed = true;
      return new Uploaded(entry(local, stat, Digests.hex(sha.digest()), r.versionId()), total);
    } finally {
      if (!completed) {
        for (Future<?> f : parts) {
          f.cancel(true);
        }
        upload.abort();
      }
    }
  }

  private static void await(Future<?> f) throws InterruptedException {
    try {
      f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }

  /** The file's SHA-256, or null if it changed while being read. */
  private String hashOnly(Path file, FileStat stat) throws IOException, InterruptedException {
    MessageDigest sha = Digests.sha256();
    byte[] buf = buffers.take();
    long total = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      int n;
      while ((n = readFully(ch, buf, buf.length)) > 0) {
        sha.update(buf, 0, n);
        total += n;
      }
    } finally {
      buffers.give(buf);
    }
    if (total != stat.size() || !unchangedSince(file, stat)) {
      return null;
    }
    return Digests.hex(sha.digest());
  }

  private static int readFully(FileChannel ch, byte[] buf, int len) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
    while (bb.hasRemaining()) {
      if (ch.read(bb) < 0) {
        break;
      }
    }
    return bb.position();
  }

  private boolean unchangedSince(Path file, FileStat before) throws IOException {
    return FileStat.read(file, options.followLinks()).sameVersionAs(before);
  }

  private String key(LocalEntry local) {
    return KeyMapper.objectKey(options.keyPrefix(), local.path(), false);
  }

  private ObjectAttributes attributes(LocalEntry local, FileStat stat) {
    Map<String, String> meta = new HashMap<>();
    meta.put("mtime", Metadata.mtime(stat.mtimeNanos()));
    if (stat.mode() >= 0) {
      meta.put("mode", Metadata.mode(stat.mode()));
    }
    return attributes.with(ContentTypes.of(local.path()), meta);
  }

  static ManifestEntry entry(LocalEntry local, FileStat stat, String sha, String version) {
    return new ManifestEntry(local.path(), EntryType.FILE, stat.size(), stat.mtimeNanos(),
        stat.mode(), sha, version, null, false, stat.ctimeNanos(), stat.inode());
  }

  private static String describe(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
