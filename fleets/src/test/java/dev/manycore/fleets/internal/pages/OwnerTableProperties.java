package dev.manycore.fleets.internal.pages;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The client cache's owner table behaves as a map, through growth and backward-shift removals. */
class OwnerTableProperties {

    @Property(tries = 200)
    void behavesLikeAHashMap(@ForAll @Size(max = 400) List<@IntRange(min = 0, max = 299) Integer> ops,
                             @ForAll @IntRange(min = 0, max = 3) int cluster) {
        OwnerTable table = new OwnerTable();
        Map<Long, Long> model = new HashMap<>();
        int step = 0;
        for (int op : ops) {
            long key = OwnerTable.key(cluster + op % 3, op);
            if ((op + step++) % 3 == 0) {
                assertEquals(model.remove(key) != null, table.remove(key));
            } else {
                table.put(key, op * 7L - 1);
                model.put(key, op * 7L - 1);
            }
            assertEquals(model.size(), table.size());
        }
        for (int f = 0; f < 300; f++) {
            for (int c = cluster; c < cluster + 3; c++) {
                long key = OwnerTable.key(c, f);
                assertEquals(model.getOrDefault(key, -99L), table.get(key, -99L));
            }
        }
        Map<Long, Long> seen = new HashMap<>();
        table.forEach(seen::put);
        assertEquals(model, seen);
        assertEquals(cluster + 2, OwnerTable.cluster(OwnerTable.key(cluster + 2, 5)));
        assertEquals(5, OwnerTable.frame(OwnerTable.key(cluster + 2, 5)));
    }
}
