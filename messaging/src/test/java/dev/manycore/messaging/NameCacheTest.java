package dev.manycore.messaging;

import dev.manycore.numa.CoreId;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NameCacheTest {

    private final Name pages = Name.of("/sys/pages");
    private final NameBinding v1 = new NameBinding(pages, new Address(new CoreId(1), 1), 1);
    private final NameBinding v2 = new NameBinding(pages, new Address(new CoreId(2), 2), 2);
    private final NameCache cache = new NameCache();

    @Test
    void lookupCountsHitsAndMisses() {
        assertNull(cache.lookup(pages));
        cache.put(v1);
        assertEquals(v1, cache.lookup(pages));
        assertEquals(1, cache.hits());
        assertEquals(1, cache.misses());
    }

    @Test
    void newerVersionWinsWhateverTheOrderOfPuts() {
        cache.put(v2);
        cache.put(v1);
        assertEquals(v2, cache.lookup(pages));
        cache.put(v2);
        assertEquals(v2, cache.lookup(pages));
    }

    @Test
    void invalidationDropsOnlyStaleVersions() {
        cache.put(v2);
        assertFalse(cache.invalidate(pages, 1), "an old invalidation must not drop a fresher mapping");
        assertEquals(v2, cache.lookup(pages));
        assertTrue(cache.invalidate(pages, 2));
        assertNull(cache.lookup(pages));
        assertFalse(cache.invalidate(pages, 5));
    }

    @Test
    void clearEmptiesTheCache() {
        cache.put(v1);
        cache.clear();
        assertEquals(0, cache.size());
    }
}
