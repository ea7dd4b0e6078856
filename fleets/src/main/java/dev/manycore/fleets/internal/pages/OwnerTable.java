package dev.manycore.fleets.internal.pages;

import java.util.Arrays;

/**
 * A map from an order-0 page (its cluster index and frame packed in a long) to a long (the owner a
 * client cache lent it to, or a mark for "cached"), for the hot path of the client cache: open
 * addressing with linear probing and backward-shift deletion, so lookups, updates and removals
 * allocate nothing and touch one or two cache lines. Grows by doubling at half load.
 *
 * <p><b>Not thread-safe</b>: its client uses it only while it holds the cache (see
 * {@code PageAllocatorClient}).
 */
public final class OwnerTable {

    private static final long EMPTY = Long.MIN_VALUE;

    private long[] keys;
    private long[] values;
    private int size;
    private int mask;

    /** An empty table. */
    public OwnerTable() {
        keys = new long[64];
        values = new long[64];
        Arrays.fill(keys, EMPTY);
        mask = 63;
    }

    /**
     * @param cluster a cluster index, 0 or more
     * @param frame   a frame, 0 or more
     * @return the packed key
     */
    public static long key(int cluster, int frame) {
        return ((long) cluster << 32) | (frame & 0xFFFF_FFFFL);
    }

    /**
     * @param key a packed key
     * @return its cluster index
     */
    public static int cluster(long key) {
        return (int) (key >>> 32);
    }

    /**
     * @param key a packed key
     * @return its frame
     */
    public static int frame(long key) {
        return (int) key;
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    private int slot(long key) {
        int i = hash(key) & mask;
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /**
     * @param key     a key
     * @param missing what to return when absent
     * @return its value, or {@code missing}
     */
    public long get(long key, long missing) {
        int i = slot(key);
        return keys[i] == EMPTY ? missing : values[i];
    }

    /**
     * @param key   a key
     * @param value its value (any long)
     */
    public void put(long key, long value) {
        int i = slot(key);
        if (keys[i] == EMPTY) {
            keys[i] = key;
            size++;
            values[i] = value;
            if (size * 2 > keys.length) {
                grow();
            }
            return;
        }
        values[i] = value;
    }

    /**
     * @param key a key
     * @return true if it was present
     */
    public boolean remove(long key) {
        int i = slot(key);
        if (keys[i] == EMPTY) {
            return false;
        }
        // backward-shift deletion keeps every probe chain unbroken without tombstones
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (keys[j] == EMPTY) {
                break;
            }
            int home = hash(keys[j]) & mask;
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = EMPTY;
        size--;
        return true;
    }

    /** @return the number of entries */
    public int size() {
        return size;
    }

    /** Receives the entries of a table. */
    @FunctionalInterface
    public interface EntryVisitor {
        /**
         * @param key   a key
         * @param value its value
         */
        void visit(long key, long value);
    }

    /**
     * Visits every entry; the visitor must not change the table.
     *
     * @param visitor what to call
     */
    public void forEach(EntryVisitor visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                visitor.visit(keys[i], values[i]);
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
