package p3backup.storage;

import java.util.Arrays;

/**
 * Object keys with a number each (a size, say), held as 64-bit hashes in two arrays: 16 bytes
 * per key, where a set of strings takes ten times that. Keys are added, then the index is sealed
 * (sorted once) and looked up. Two keys whose hashes collide (about one chance in 10^7 among a
 * million keys) are taken for one: callers use it only where that errs on the safe side or is
 * checked again.
 */
public final class KeyIndex {
  private long[] hashes = new long[1024];
  private long[] values = new long[1024];
  private int size;
  private boolean sealed;

  public void add(String key, long value) {
    if (sealed) {
      throw new IllegalStateException("sealed");
    }
    if (size == hashes.length) {
      hashes = Arrays.copyOf(hashes, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    hashes[size] = hash(key);
    values[size++] = value;
  }

  public void add(String key) {
    add(key, 0);
  }

  public int size() {
    return size;
  }

  /** Sorts the index for lookups; further adds are refused. */
  public void seal() {
    if (sealed) {
      return;
    }
    if (size > 1) {
      // Sort the pairs by hash: indices sorted, then both arrays permuted.
      long[] h = Arrays.copyOf(hashes, size);
      long[] v = Arrays.copyOf(values, size);
      long[] packed = new long[size];
      for (int i = 0; i < size; i++) {
        packed[i] = i;
      }
      sortBy(h, packed);
      for (int i = 0; i < size; i++) {
        hashes[i] = h[i];
        values[i] = v[(int) packed[i]];
      }
    }
    sealed = true;
  }

  public boolean contains(String key) {
    return find(key) >= 0;
  }

  /** The value added with this key, or {@code otherwise} when there is none. */
  public long get(String key, long otherwise) {
    int i = find(key);
    return i < 0 ? otherwise : values[i];
  }

  private int find(String key) {
    if (!sealed) {
      seal();
    }
    return Arrays.binarySearch(hashes, 0, size, hash(key));
  }

  /** Sorts {@code keys} ascending, moving {@code with} along. */
  private static void sortBy(long[] keys, long[] with) {
    quicksort(keys, with, 0, keys.length - 1);
  }

  private static void quicksort(long[] k, long[] w, int lo, int hi) {
    while (lo < hi) {
      if (hi - lo < 16) {
        for (int i = lo + 1; i <= hi; i++) {
          long kk = k[i];
          long ww = w[i];
          int j = i - 1;
          while (j >= lo && k[j] > kk) {
            k[j + 1] = k[j];
            w[j + 1] = w[j];
            j--;
          }
          k[j + 1] = kk;
          w[j + 1] = ww;
        }
        return;
      }
      long pivot = k[(lo + hi) >>> 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (k[i] < pivot) {
          i++;
        }
        while (k[j] > pivot) {
          j--;
        }
        if (i <= j) {
          long t = k[i];
          k[i] = k[j];
          k[j] = t;
          t = w[i];
          w[i] = w[j];
          w[j] = t;
          i++;
          j--;
        }
      }
      if (j - lo < hi - i) {
        quicksort(k, w, lo, j);
        lo = i;
      } else {
        quicksort(k, w, i, hi);
        hi = j;
      }
    }
  }

  /** FNV-1a over the UTF-16 code units, 64 bits, then mixed (SplitMix64's finaliser). */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      h = (h ^ (c & 0xff)) * 0x100000001b3L;
      h = (h ^ (c >>> 8)) * 0x100000001b3L;
    }
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }
}
