package dev.manycore.messaging;

import java.util.HashMap;
import java.util.Map;
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
 * <p>Thread-safety: <b>confined to the core's thread</b> (an engine worker), as in fos where each
 * core's microkernel owns its cache; that is why a hit costs a plain hash lookup and no shared
 * cache line is written. Not safe for concurrent use. (An open-addressing table was tried and
 * measured slower than {@link HashMap} for these keys, so the cache keeps the JDK map.)
 */
public final class NameCache {

    private final Map<Name, NameBinding> entries = new HashMap<>();
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
        NameBinding b = entries.get(name);
        if (b == null) {
            misses++;
        } else {
            hits++;
        }
        return b;
    }

    /**
     * Caches a binding unless a newer version of the same name is cached.
     *
     * @param binding the binding
     */
    public void put(NameBinding binding) {
        Objects.requireNonNull(binding, "binding is null");
        entries.merge(binding.name(), binding, (old, fresh) -> fresh.version() >= old.version() ? fresh : old);
    }

    /**
     * Drops the binding of a name if its version is {@code version} or older.
     *
     * @param name    the name
     * @param version the version that became stale
     * @return true if a binding was dropped
     */
    public boolean invalidate(Name name, long version) {
        NameBinding b = entries.get(name);
        if (b != null && b.version() <= version) {
            entries.remove(name);
            return true;
        }
        return false;
    }

    /** Drops every binding. */
    public void clear() {
        entries.clear();
    }

    /** @return the number of cached names */
    public int size() {
        return entries.size();
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
        return "NameCache[" + entries.size() + " names, " + hits + " hits, " + misses + " misses]";
    }
}
