package p3backup.forget;

import java.util.List;
import p3backup.forget.Retention.Kept;
import p3backup.snapshot.SnapshotRef;
import p3backup.snapshot.SnapshotStore.RunRef;
import p3backup.storage.ObjectVersion;

/**
 * What a forget will do, decided before it changes anything: the snapshots kept (with reasons)
 * and removed, every version of the removed snapshots' manifests, the data versions they alone
 * held (with what interrupted forgets left), those forgets' journals, and the versions of
 * journals of runs that finished (their key hidden by a delete marker: on a bucket that keeps
 * versions each rewrite of a journal is a version of its own).
 */
public record ForgetPlan(List<Kept> kept, List<SnapshotRef> removed, List<ObjectVersion> manifests,
    Freeable.Selection data, List<RunRef> interrupted, List<ObjectVersion> finishedJournals) {

  public boolean changesNothing() {
    return removed.isEmpty() && data.versions().isEmpty() && interrupted.isEmpty();
  }
}
