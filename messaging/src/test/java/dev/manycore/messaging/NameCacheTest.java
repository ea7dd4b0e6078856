package dev.manycore.messaging;

import dev.manycore.numa.CoreId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    /** Any sequence of puts and invalidations leaves the cache equal to a simple map model. */
    @Property
    void behavesLikeAVersionedMap(@ForAll @Size(max = 300) List<@IntRange(min = 0, max = 2047) Integer> ops) {
        NameCache c = new NameCache();
        Map<Name, NameBinding> model = new HashMap<>();
        for (int op : ops) {
            Name name = Name.of("/n/" + (op % 97));
            long version = (op >> 7) % 4;
            if ((op & 64) == 0) {
                NameBinding b = new NameBinding(name, new Address(new CoreId(op % 7), op), version);
                c.put(b);
                model.merge(name, b, (old, fresh) -> fresh.version() >= old.version() ? fresh : old);
            } else {
                boolean dropped = c.invalidate(name, version);
                NameBinding old = model.get(name);
                boolean expected = old != null && old.version() <= version;
                assertEquals(expected, dropped);
                if (expected) {
                    model.remove(name);
                }
            }
            assertEquals(model.size(), c.size());
        }
        for (int n = 0; n < 97; n++) {
            Name name = Name.of("/n/" + n);
            assertEquals(model.get(name), c.lookup(name));
        }
    }
}
