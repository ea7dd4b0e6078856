package dev.manycore.numa.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostTopologyReaderTest {

    private static void node(Path root, int n, String cpus, String distance, long memKb) throws IOException {
        Path dir = Files.createDirectories(root.resolve("node").resolve("node" + n));
        Files.writeString(dir.resolve("cpulist"), cpus + "\n");
        Files.writeString(dir.resolve("distance"), distance + "\n");
        Files.writeString(dir.resolve("meminfo"), "Node " + n + " MemTotal:       " + memKb + " kB\nNode " + n
                + " MemFree:        1 kB\n");
    }

    @Test
    void readsNodesCpusDistancesAndMemory(@TempDir Path root) throws IOException {
        node(root, 0, "0-3", "10 21", 8_388_608);
        node(root, 1, "4-7", "21 10", 4_194_304);
        HostTopologyReader.Description d = HostTopologyReader.read(root);
        assertEquals("host (2 NUMA nodes)", d.name());
        assertArrayEquals(new int[] {0, 1, 2, 3}, d.cpusPerNode().get(0));
        assertArrayEquals(new int[] {4, 5, 6, 7}, d.cpusPerNode().get(1));
        assertArrayEquals(new int[][] {{10, 21}, {21, 10}}, d.distances());
        assertArrayEquals(new int[] {2_097_152, 1_048_576}, d.pagesPerNode());
    }

    @Test
    void memoryOnlyNodesAreLeftOutWithTheirDistances(@TempDir Path root) throws IOException {
        node(root, 0, "0-1", "10 20 30", 1024);
        node(root, 1, "", "20 10 25", 1024);
        node(root, 2, "2-3", "30 25 10", 1024);
        HostTopologyReader.Description d = HostTopologyReader.read(root);
        assertEquals(2, d.cpusPerNode().size());
        assertArrayEquals(new int[][] {{10, 30}, {30, 10}}, d.distances());
        assertArrayEquals(new int[] {2, 3}, d.cpusPerNode().get(1));
    }

    @Test
    void nodesAreOrderedByNumberNotByName(@TempDir Path root) throws IOException {
        for (int n = 0; n < 11; n++) {
            StringBuilder row = new StringBuilder();
            for (int m = 0; m < 11; m++) {
                row.append(m == n ? 10 : 20).append(' ');
            }
            node(root, n, String.valueOf(n), row.toString().strip(), 4096);
        }
        HostTopologyReader.Description d = HostTopologyReader.read(root);
        assertEquals(11, d.cpusPerNode().size());
        assertArrayEquals(new int[] {10}, d.cpusPerNode().get(10));
        assertArrayEquals(new int[] {2}, d.cpusPerNode().get(2));
    }

    @Test
    void missingSysfsFallsBackToOneNodeWithEveryProcessor(@TempDir Path root) {
        HostTopologyReader.Description d = HostTopologyReader.read(root.resolve("absent"));
        assertTrue(d.name().contains("fallback"), d.name());
        assertEquals(1, d.cpusPerNode().size());
        assertEquals(Runtime.getRuntime().availableProcessors(), d.cpusPerNode().get(0).length);
        assertArrayEquals(new int[][] {{10}}, d.distances());
    }

    @Test
    void inconsistentDistancesFallBack(@TempDir Path root) throws IOException {
        node(root, 0, "0", "10 20", 1024);
        node(root, 1, "1", "30 10", 1024);
        assertTrue(HostTopologyReader.read(root).name().contains("fallback"));
    }
}
