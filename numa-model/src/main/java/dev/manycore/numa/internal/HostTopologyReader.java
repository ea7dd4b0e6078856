package dev.manycore.numa.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the host's NUMA layout from sysfs ({@code <root>/node/node<N>/cpulist}, {@code distance},
 * {@code meminfo}). Nodes without CPUs (memory-only nodes) are skipped, since a cluster here is a
 * place where threads run. Any failure falls back to one node with
 * {@link Runtime#availableProcessors()} CPUs, logged at INFO.
 */
public final class HostTopologyReader {

    private static final Logger LOG = LoggerFactory.getLogger(HostTopologyReader.class);
    private static final Pattern NODE_DIR = Pattern.compile("node(\\d+)");
    private static final Pattern MEM_TOTAL = Pattern.compile("MemTotal:\\s+(\\d+)\\s*kB");
    private static final int PAGE_SIZE = 4096;
    private static final int FALLBACK_PAGES = 16_384;

    private HostTopologyReader() {
    }

    /**
     * What was found: one entry per node with CPUs, in node order.
     *
     * @param name         a label, saying whether sysfs was read or the fallback used
     * @param distances    the SLIT table between the kept nodes
     * @param cpusPerNode  the host CPU numbers of each node
     * @param pagesPerNode 4 KiB pages of each node's memory
     */
    public record Description(String name, int[][] distances, List<int[]> cpusPerNode, int[] pagesPerNode) {
    }

    /**
     * @param systemRoot usually {@code /sys/devices/system}
     * @return the description; never fails
     */
    public static Description read(Path systemRoot) {
        try {
            return readSysfs(systemRoot);
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            int cpus = Runtime.getRuntime().availableProcessors();
            LOG.info("NUMA layout not readable under {} ({}); assuming one node with {} CPUs",
                    systemRoot, e.getMessage(), cpus);
            int[] ids = new int[cpus];
            Arrays.setAll(ids, i -> i);
            return new Description("host (fallback, 1 node)", new int[][] {{10}}, List.of(ids),
                    new int[] {FALLBACK_PAGES});
        }
    }

    private static Description readSysfs(Path systemRoot) throws IOException {
        Path nodeRoot = systemRoot.resolve("node");
        List<Integer> nodes = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(nodeRoot)) {
            dirs.forEach(p -> {
                Matcher m = NODE_DIR.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p)) {
                    nodes.add(Integer.parseInt(m.group(1)));
                }
            });
        }
        nodes.sort(null);
        if (nodes.isEmpty()) {
            throw new IOException("no node directories");
        }
        List<Integer> kept = new ArrayList<>();
        List<int[]> cpus = new ArrayList<>();
        List<Integer> pages = new ArrayList<>();
        int[][] all = new int[nodes.size()][];
        for (int i = 0; i < nodes.size(); i++) {
            Path dir = nodeRoot.resolve("node" + nodes.get(i));
            all[i] = Arrays.stream(Files.readString(dir.resolve("distance")).strip().split("\\s+"))
                    .mapToInt(Integer::parseInt).toArray();
            int[] nodeCpus = CpuList.parse(Files.readString(dir.resolve("cpulist")));
            if (nodeCpus.length == 0) {
                LOG.info("host NUMA node {} has no CPUs; left out of the topology", nodes.get(i));
                continue;
            }
            kept.add(i);
            cpus.add(nodeCpus);
            pages.add(pagesOf(dir.resolve("meminfo")));
        }
        if (kept.isEmpty()) {
            throw new IOException("no node has CPUs");
        }
        int[][] distances = new int[kept.size()][kept.size()];
        for (int a = 0; a < kept.size(); a++) {
            int[] row = all[kept.get(a)];
            for (int b = 0; b < kept.size(); b++) {
                if (kept.get(b) >= row.length) {
                    throw new IOException("distance row of node " + nodes.get(kept.get(a)) + " is too short");
                }
                distances[a][b] = row[kept.get(b)];
            }
        }
        SlitMatrix.validate(distances, Integer.MAX_VALUE);
        int[] pagesPerNode = pages.stream().mapToInt(Integer::intValue).toArray();
        return new Description("host (" + kept.size() + " NUMA node" + (kept.size() == 1 ? "" : "s") + ")",
                distances, List.copyOf(cpus), pagesPerNode);
    }

    private static int pagesOf(Path meminfo) throws IOException {
        Matcher m = MEM_TOTAL.matcher(Files.readString(meminfo));
        if (!m.find()) {
            throw new IOException("no MemTotal in " + meminfo);
        }
        long pages = Long.parseLong(m.group(1)) * 1024 / PAGE_SIZE;
        return (int) Math.clamp(pages, 1, Integer.MAX_VALUE);
    }
}
