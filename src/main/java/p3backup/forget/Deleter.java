package p3backup.forget;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import p3backup.problems.RunListener;
import p3backup.storage.ObjectStore;
import p3backup.storage.ObjectStore.VersionProblem;
import p3backup.storage.ObjectStore.VersionRef;
import p3backup.storage.Retries;
import p3backup.storage.StorageException;
import p3backup.work.Workers;

/**
 * Deletes object versions in requests of {@link ObjectStore#DELETE_BATCH}, {@code jobs} requests
 * at once, each retried as a whole while the failure is worth it ({@link Retries}). A request
 * that fails for good makes each of its versions a problem; the others go on.
 */
final class Deleter {
  private final ObjectStore store;
  private final String bucket;
  private final int jobs;
  private final RunListener listener;

  Deleter(ObjectStore store, String bucket, int jobs, RunListener listener) {
    this.store = store;
    this.bucket = bucket;
    this.jobs = jobs;
    this.listener = listener;
  }

  /** Deletes the versions; returns those not deleted, with why. */
  List<VersionProblem> delete(List<VersionRef> versions) throws InterruptedException {
    List<List<VersionRef>> batches = new ArrayList<>();
    for (int i = 0; i < versions.size(); i += ObjectStore.DELETE_BATCH) {
      batches.add(versions.subList(i, Math.min(versions.size(), i + ObjectStore.DELETE_BATCH)));
    }
    List<VersionProblem> problems = new ArrayList<>();
    if (batches.isEmpty()) {
      return problems;
    }
    ExecutorService pool = Workers.pool("p3backup-delete", Math.min(jobs, batches.size()));
    try {
      List<Future<List<VersionProblem>>> results = new ArrayList<>();
      for (List<VersionRef> batch : batches) {
        results.add(pool.submit(() -> deleteBatch(batch)));
      }
      for (Future<List<VersionProblem>> f : results) {
        try {
          problems.addAll(f.get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return problems;
  }

  private List<VersionProblem> deleteBatch(List<VersionRef> batch) throws InterruptedException {
    List<VersionProblem> refused;
    try {
      refused = Retries.of(() -> store.deleteVersions(bucket, batch));
    } catch (StorageException | IOException e) {
      refused = new ArrayList<>();
      for (VersionRef r : batch) {
        refused.add(new VersionProblem(r, e.getMessage()));
      }
    }
    for (VersionRef r : batch) {
      listener.fileDone(r.key());
    }
    return refused;
  }
}
