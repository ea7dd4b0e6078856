package dev.manycore.messaging;

import java.util.Objects;

/**
 * The message a name resolver sends to a core whose {@link NameCache} may hold a stale mapping: the
 * name was deleted or moved at {@code version}. The receiving engine applies it to the cache on the
 * cache's own core ({@link NameCache#invalidate(Name, long)}), so caches need no lock.
 *
 * @param name    the name whose mapping changed
 * @param version drop cached mappings of this version or older
 */
public record NameInvalidation(Name name, long version) {

    /** @throws NullPointerException if the name is null */
    public NameInvalidation {
        Objects.requireNonNull(name, "name is null");
    }
}
