package dev.manycore.messaging;

import java.util.Objects;

/**
 * The per-core cache of name mappings that the fos microkernel keeps in front of the name server
 * fleet (fos paper 3.1.1: "the fos-microkernel also maintains a cache of name mapping"). Filled by
 * lookups, emptied by {@link NameInvalidation} messages and by CLOSED answers.
 *
 * <p>Versions: {@link #put} keeps the newer of two bindings of a name; {@link #invalidate} drops a
 * binding only if its version is not newer than the invalidation's, so an invalidation that
 * arrives after a fresher lookup does not destroy it.
 *
 * <p>Layout: an open-addressing table with linear probing, keys and values interleaved in one
 * array, so a hit usually touches one line of the table and the key (whose hash is cached in the
 * {@link Name}); deletion shifts the following run back, so no tombstones accumulate.
 * <pre>
 *   table: [ name0 | binding0 | name1 | binding1 | ... ]   capacity a power of two, at most half full
 * </pre>
 *
 * <p>Thread-safety: <b>confined to the core's thread</b> (an engine worker), as in fos where each
 * core's microkernel owns its cache; that is why a hit costs a few plain loads and no shared cache
 * line is written. Not safe for concurrent use.
 */
public final class NameCache {

    private Object[] table = new Object[2 * 16];
    private int size;
    private long hits;
    private long misses;

    /** Creates an empty cache. */
    public NameCache() {
    }

    /**
     * @param name a name
     * @return the cached binding, or null on a miss
     */
    public NameBinding lookup(Name name) {
        Object[] t = table;
        int mask = (t.length >> 1) - 1;
        for (int i = spread(name.hashCode()) & mask; ; i = (i + 1) & mask) {
            Object k = t[i << 1];
            if (k == null) {
                misses++;
                return null;
            }
            if (k == name || k.equals(name)) {
                hits++;
                return (NameBinding) t[(i << 1) + 1];
            }
        }
    }

    /**
     * Caches a binding unless a newer version of the same name is cached.
     *
     * @param binding the binding
     */
    public void put(NameBinding binding) {
        Objects.requireNonNull(binding, "binding is null");
        int i = indexOf(binding.name());
        if (i >= 0) {
            NameBinding old = (NameBinding) table[(i << 1) + 1];
            if (binding.version() >= old.version()) {
                table[(i << 1) + 1] = binding;
            }
            return;
        }
        if (2 * (size + 1) > table.length >> 1) {
            grow();
        }
        insert(table, binding.name(), binding);
        size++;
    }

    /**
     * Drops the binding of a name if its version is {@code version} or older.
     *
     * @param name    the name
     * @param version the version that became stale
     * @return true if a binding was dropped
     */
    public boolean invalidate(Name name, long version) {
        int i = indexOf(name);
        if (i < 0 || ((NameBinding) table[(i << 1) + 1]).version() > version) {
            return false;
        }
        removeAt(i);
        return true;
    }

    /** Drops every binding. */
    public void clear() {
        java.util.Arrays.fill(table, null);
        size = 0;
    }

    /** @return the number of cached names */
    public int size() {
        return size;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    private int indexOf(Name name) {
        int mask = (table.length >> 1) - 1;
        for (int i = spread(name.hashCode()) & mask; ; i = (i + 1) & mask) {
            Object k = table[i << 1];
            if (k == null) {
                return -1;
            }
            if (k.equals(name)) {
                return i;
            }
        }
    }

    private static void insert(Object[] t, Name name, NameBinding binding) {
        int mask = (t.length >> 1) - 1;
        int i = spread(name.hashCode()) & mask;
        while (t[i << 1] != null) {
            i = (i + 1) & mask;
        }
        t[i << 1] = name;
        t[(i << 1) + 1] = binding;
    }

    private void grow() {
        Object[] old = table;
        Object[] t = new Object[old.length * 2];
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != null) {
                insert(t, (Name) old[i], (NameBinding) old[i + 1]);
            }
        }
        table = t;
    }

    /** Backward-shift deletion: moves later entries of the probe run into the hole. */
    private void removeAt(int hole) {
        Object[] t = table;
        int mask = (t.length >> 1) - 1;
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            Object k = t[i << 1];
            if (k == null) {
                break;
            }
            int home = spread(k.hashCode()) & mask;
            // move k into the hole unless its home lies cyclically in (hole, i]
            boolean stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!stays) {
                t[hole << 1] = k;
                t[(hole << 1) + 1] = t[(i << 1) + 1];
                hole = i;
            }
        }
        t[hole << 1] = null;
        t[(hole << 1) + 1] = null;
        size--;
    }

    /** @return lookups that found a binding */
    public long hits() {
        return hits;
    }

    /** @return lookups that found none */
    public long misses() {
        return misses;
    }

    @Override
    public String toString() {
        return "NameCache[" + size + " names, " + hits + " hits, " + misses + " misses]";
    }
}
