package dev.manycore.messaging;

import dev.manycore.numa.CoreId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Properties of {@link NameCache} (jqwik): the examples are in {@link NameCacheTest}. Kept apart
 * so that each JUnit engine writes its own surefire report.
 */
class NameCacheProperties {

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
