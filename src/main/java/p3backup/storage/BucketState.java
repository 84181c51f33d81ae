package p3backup.storage;

/** What a bucket name refers to for this account. */
public enum BucketState {
  EXISTS,
  MISSING
}
