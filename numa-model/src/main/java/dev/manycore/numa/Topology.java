package dev.manycore.numa;

import dev.manycore.numa.internal.Checks;
import dev.manycore.numa.internal.HostTopologyReader;
import dev.manycore.numa.internal.SlitMatrix;
import dev.manycore.numa.internal.TopologyPicture;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable cc-NUMA machine: clusters, each with cores and one memory bank of page frames, and
 * the distance in hops between any two clusters.
 *
 * <p>Two kinds exist. A {@link Kind#MESH} is a 2D grid of clusters (TSAR, ALMOS notes "TSAR
 * topology"): distance is the Manhattan hop count between mesh positions, computed on demand, so a
 * mesh uses memory proportional to its clusters and cores, never to their square. Dead clusters
 * (TSAR allows them) are left out: cluster ids stay dense over the live clusters and keep their
 * mesh position. A {@link Kind#MATRIX} topology is a socket/node machine described by a SLIT-style
 * table of relative distances (10 for local memory, larger for remote); its hop distance is the
 * rank of a remote value among the distinct remote values of the table, so that 10/16/22 become
 * 0/1/2 hops.
 *
 * <p>Cores are numbered cluster by cluster: the cores of cluster {@code c} are a consecutive range
 * of core indexes. Instances are immutable and safe to share between threads; the {@link ClusterId}
 * and {@link CoreId} objects handed out are cached, so lookups allocate nothing.
 */
public final class Topology {

    /** The largest side of a mesh, in clusters. */
    public static final int MAX_MESH_SIDE = 64;
    /** The most cores a cluster or node may have. */
    public static final int MAX_CORES_PER_CLUSTER = 256;
    /** The most nodes a distance matrix may describe. */
    public static final int MAX_MATRIX_NODES = 1024;
    /** Page frames per cluster of the presets: 16384 pages of 4 KiB, 64 MiB per bank. */
    public static final int DEFAULT_PAGES_PER_CLUSTER = 16_384;
    /** Page size of the presets, in bytes. */
    public static final int DEFAULT_PAGE_SIZE = 4096;
    /** The smallest page size accepted, in bytes. */
    public static final int MIN_PAGE_SIZE = 512;
    /** The largest page size accepted, in bytes. */
    public static final int MAX_PAGE_SIZE = 1 << 30;

    /** The shape of a topology, which decides how distances are computed. */
    public enum Kind {
        /** A 2D mesh of clusters; distance is Manhattan hops. */
        MESH,
        /** Nodes with a SLIT-style distance table; distance is the rank of the table value. */
        MATRIX
    }

    private final String name;
    private final Kind kind;
    private final ClusterId[] clusters;
    private final CoreId[] cores;
    private final int[] firstCore;
    private final int[] clusterOfCore;
    private final List<CoreId>[] coresOfCluster;
    private final int[] pages;
    private final int pageSize;
    private final int meshWidth;
    private final int meshHeight;
    private final MeshPosition[] positions;
    /** Per cluster, {@code x << 16 | y}: one load per cluster on the distance path. */
    private final int[] packedPositions;
    private final int[] clusterAtPosition;
    private final SlitMatrix matrix;
    private final int[] hostCpus;
    private final int diameter;

    private Topology(String name, Kind kind, int[] coresPerCluster, int[] pages, int pageSize,
                     int meshWidth, int meshHeight, MeshPosition[] positions, SlitMatrix matrix, int[] hostCpus) {
        this.name = name;
        this.kind = kind;
        int clusterCount = coresPerCluster.length;
        this.clusters = new ClusterId[clusterCount];
        this.firstCore = new int[clusterCount + 1];
        for (int c = 0; c < clusterCount; c++) {
            clusters[c] = new ClusterId(c);
            firstCore[c + 1] = firstCore[c] + coresPerCluster[c];
        }
        int coreCount = firstCore[clusterCount];
        this.cores = new CoreId[coreCount];
        this.clusterOfCore = new int[coreCount];
        @SuppressWarnings("unchecked")
        List<CoreId>[] lists = new List[clusterCount];
        for (int c = 0; c < clusterCount; c++) {
            for (int i = firstCore[c]; i < firstCore[c + 1]; i++) {
                cores[i] = new CoreId(i);
                clusterOfCore[i] = c;
            }
            lists[c] = List.of(Arrays.copyOfRange(cores, firstCore[c], firstCore[c + 1]));
        }
        this.coresOfCluster = lists;
        this.pages = pages;
        this.pageSize = pageSize;
        this.meshWidth = meshWidth;
        this.meshHeight = meshHeight;
        this.positions = positions;
        this.matrix = matrix;
        this.hostCpus = hostCpus;
        if (kind == Kind.MESH) {
            this.packedPositions = new int[clusterCount];
            for (int c = 0; c < clusterCount; c++) {
                packedPositions[c] = positions[c].x() << 16 | positions[c].y();
            }
            this.clusterAtPosition = new int[meshWidth * meshHeight];
            Arrays.fill(clusterAtPosition, -1);
            for (int c = 0; c < clusterCount; c++) {
                clusterAtPosition[positions[c].y() * meshWidth + positions[c].x()] = c;
            }
            this.diameter = meshDiameter(positions);
        } else {
            this.packedPositions = null;
            this.clusterAtPosition = null;
            this.diameter = matrix.maxHops();
        }
    }

    // ---------------------------------------------------------------- presets and factories

    /**
     * The TSAR-like preset: a 16 x 16 mesh of clusters with 4 cores each, 1024 cores, and
     * {@value #DEFAULT_PAGES_PER_CLUSTER} pages of {@value #DEFAULT_PAGE_SIZE} bytes per bank.
     *
     * @return the 1024-core mesh
     */
    public static Topology tsar() {
        return tsar(16, 16);
    }

    /**
     * A TSAR-like mesh of {@code x} by {@code y} clusters with 4 cores each.
     *
     * @param x clusters per row, 1 to {@value #MAX_MESH_SIDE}
     * @param y clusters per column, 1 to {@value #MAX_MESH_SIDE}
     * @return the mesh
     * @throws IllegalArgumentException if a side is out of range
     */
    public static Topology tsar(int x, int y) {
        return mesh(x, y).coresPerCluster(4).name("tsar " + x + "x" + y).build();
    }

    /**
     * Starts a mesh of {@code x} by {@code y} clusters; by default 4 cores per cluster,
     * {@value #DEFAULT_PAGES_PER_CLUSTER} pages of {@value #DEFAULT_PAGE_SIZE} bytes, no dead cluster.
     *
     * @param x clusters per row, 1 to {@value #MAX_MESH_SIDE}
     * @param y clusters per column, 1 to {@value #MAX_MESH_SIDE}
     * @return a builder
     * @throws IllegalArgumentException if a side is out of range
     */
    public static MeshBuilder mesh(int x, int y) {
        return new MeshBuilder(x, y);
    }

    /**
     * An 8-node, 64-core machine shaped like a 4-socket AMD Opteron 6100 server (two dies per
     * package, 8 cores per die), with the SLIT table such machines report through
     * {@code numactl --hardware}: 10 local, 16 one HyperTransport hop, 22 two hops. Each node has
     * {@value #DEFAULT_PAGES_PER_CLUSTER} pages of {@value #DEFAULT_PAGE_SIZE} bytes (scaled down
     * from the real 16 GiB per node, so simulations stay small).
     *
     * @return the Opteron-like topology
     */
    public static Topology opteron64() {
        int[][] slit = {
            {10, 16, 16, 22, 16, 22, 16, 22},
            {16, 10, 22, 16, 22, 16, 22, 16},
            {16, 22, 10, 16, 16, 22, 16, 22},
            {22, 16, 16, 10, 22, 16, 22, 16},
            {16, 22, 16, 22, 10, 16, 16, 22},
            {22, 16, 22, 16, 16, 10, 22, 16},
            {16, 22, 16, 22, 16, 22, 10, 16},
            {22, 16, 22, 16, 22, 16, 16, 10},
        };
        return matrix("opteron64", slit, uniform(8, 8), uniform(8, DEFAULT_PAGES_PER_CLUSTER), DEFAULT_PAGE_SIZE, null);
    }

    /**
     * A node machine from a SLIT-style distance table.
     *
     * @param distances    a square, symmetric table of non-negative relative distances whose
     *                     diagonal entry is strictly the smallest of its row; at most
     *                     {@value #MAX_MATRIX_NODES} nodes
     * @param coresPerNode cores of each node, 1 to {@value #MAX_CORES_PER_CLUSTER}
     * @param pagesPerNode page frames of each node's bank, 1 or more
     * @return the topology
     * @throws IllegalArgumentException naming the value and the rule it breaks
     */
    public static Topology fromDistanceMatrix(int[][] distances, int coresPerNode, int pagesPerNode) {
        Checks.range("coresPerNode", coresPerNode, 1, MAX_CORES_PER_CLUSTER);
        Checks.range("pagesPerNode", pagesPerNode, 1, Integer.MAX_VALUE);
        int n = SlitMatrix.validate(distances, MAX_MATRIX_NODES).length;
        return matrix("matrix " + n + " nodes", distances, uniform(n, coresPerNode), uniform(n, pagesPerNode),
                DEFAULT_PAGE_SIZE, null);
    }

    /**
     * The machine this JVM runs on, read from {@code /sys/devices/system/node}: one cluster per
     * NUMA node that has CPUs, its CPUs as cores (see {@link #hostCpu(CoreId)}), the node distance
     * table and the node's memory in pages of {@value #DEFAULT_PAGE_SIZE} bytes. Where that
     * directory is missing or unreadable (not Linux, a restricted container) it falls back to one
     * node with {@link Runtime#availableProcessors()} cores and logs that it did.
     *
     * @return the host topology
     */
    public static Topology host() {
        return fromHostDescription(HostTopologyReader.read(Path.of("/sys/devices/system")));
    }

    /** Builds a host topology from what {@link HostTopologyReader} found in sysfs. */
    static Topology fromHostDescription(HostTopologyReader.Description d) {
        int[] cpus = d.cpusPerNode().stream().flatMapToInt(Arrays::stream).toArray();
        int[] coresPerNode = d.cpusPerNode().stream().mapToInt(a -> a.length).toArray();
        return matrix(d.name(), d.distances(), coresPerNode, d.pagesPerNode(), DEFAULT_PAGE_SIZE, cpus);
    }

    private static Topology matrix(String name, int[][] distances, int[] coresPerNode, int[] pages, int pageSize,
                                   int[] hostCpus) {
        SlitMatrix matrix = SlitMatrix.of(SlitMatrix.validate(distances, MAX_MATRIX_NODES));
        return new Topology(name, Kind.MATRIX, coresPerNode, pages, pageSize, 0, 0, null, matrix, hostCpus);
    }

    private static int[] uniform(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }

    private static int meshDiameter(MeshPosition[] positions) {
        int minSum = Integer.MAX_VALUE, maxSum = Integer.MIN_VALUE, minDiff = Integer.MAX_VALUE, maxDiff = Integer.MIN_VALUE;
        for (MeshPosition p : positions) {
            minSum = Math.min(minSum, p.x() + p.y());
            maxSum = Math.max(maxSum, p.x() + p.y());
            minDiff = Math.min(minDiff, p.x() - p.y());
            maxDiff = Math.max(maxDiff, p.x() - p.y());
        }
        // max |dx| + |dy| over pairs = max(range of x + y, range of x - y)
        return Math.max(maxSum - minSum, maxDiff - minDiff);
    }

    // ---------------------------------------------------------------- sizes and ids

    /** @return a short human name, such as {@code "tsar 16x16"} */
    public String name() {
        return name;
    }

    /** @return whether this is a mesh or a distance-matrix topology */
    public Kind kind() {
        return kind;
    }

    /** @return the number of live clusters */
    public int clusterCount() {
        return clusters.length;
    }

    /** @return the number of cores, over all clusters */
    public int coreCount() {
        return cores.length;
    }

    /**
     * @param index a cluster index, 0 to {@link #clusterCount()} - 1
     * @return the cached id of that cluster
     * @throws IllegalArgumentException if the index is out of range
     */
    public ClusterId cluster(int index) {
        return clusters[checkCluster(index)];
    }

    /**
     * @param index a core index, 0 to {@link #coreCount()} - 1
     * @return the cached id of that core
     * @throws IllegalArgumentException if the index is out of range
     */
    public CoreId core(int index) {
        return cores[checkCore(index)];
    }

    /** @return every cluster id, in index order (an immutable list) */
    public List<ClusterId> clusters() {
        return List.of(clusters);
    }

    /**
     * @param core a core of this topology
     * @return the cluster that holds it
     * @throws IllegalArgumentException if the core is not in this topology
     */
    public ClusterId clusterOf(CoreId core) {
        return clusters[clusterOfCore[checkCore(core.index())]];
    }

    /**
     * @param cluster a cluster of this topology
     * @return its cores, in index order (an immutable list, cached)
     * @throws IllegalArgumentException if the cluster is not in this topology
     */
    public List<CoreId> coresOf(ClusterId cluster) {
        return coresOfCluster[checkCluster(cluster.index())];
    }

    /**
     * Distance between two clusters in hops: 0 for a cluster and itself; Manhattan hops on a mesh;
     * the rank of the SLIT value among the table's distinct remote values on a matrix topology.
     * Allocation-free and constant-time.
     *
     * @param from a cluster of this topology
     * @param to   a cluster of this topology
     * @return the hop count, 0 or more
     * @throws IllegalArgumentException if a cluster is not in this topology
     */
    public int distance(ClusterId from, ClusterId to) {
        int a = from.index();
        int b = to.index();
        int n = clusters.length;
        if (Integer.compareUnsigned(a, n) >= 0 || Integer.compareUnsigned(b, n) >= 0) {
            checkCluster(a);
            checkCluster(b);
        }
        if (packedPositions != null) {
            int pa = packedPositions[a];
            int pb = packedPositions[b];
            return Math.abs((pa >>> 16) - (pb >>> 16)) + Math.abs((pa & 0xFFFF) - (pb & 0xFFFF));
        }
        return matrix.hops(a, b);
    }

    /**
     * The relative (SLIT-style) distance between two clusters: the table value on a matrix
     * topology; {@code 10 + 10 * hops} on a mesh, the convention Linux uses for NUMA distances.
     *
     * @param from a cluster of this topology
     * @param to   a cluster of this topology
     * @return the relative distance
     * @throws IllegalArgumentException if a cluster is not in this topology
     */
    public int relativeDistance(ClusterId from, ClusterId to) {
        if (kind == Kind.MESH) {
            return 10 + 10 * distance(from, to);
        }
        return matrix.relative(checkCluster(from.index()), checkCluster(to.index()));
    }

    /** @return the largest distance in hops between two clusters of this topology */
    public int diameter() {
        return diameter;
    }

    // ---------------------------------------------------------------- memory

    /**
     * @param cluster a cluster of this topology
     * @return the number of page frames in its memory bank
     * @throws IllegalArgumentException if the cluster is not in this topology
     */
    public int pagesOf(ClusterId cluster) {
        return pages[checkCluster(cluster.index())];
    }

    /** @return the number of page frames over all banks */
    public long totalPages() {
        long total = 0;
        for (int p : pages) {
            total += p;
        }
        return total;
    }

    /** @return the page size in bytes, a power of two */
    public int pageSize() {
        return pageSize;
    }

    // ---------------------------------------------------------------- mesh

    /** @return true for a {@link Kind#MESH} */
    public boolean isMesh() {
        return kind == Kind.MESH;
    }

    /**
     * @return the number of columns of the mesh, dead clusters included
     * @throws IllegalStateException if this is not a mesh
     */
    public int meshWidth() {
        requireMesh("meshWidth");
        return meshWidth;
    }

    /**
     * @return the number of rows of the mesh, dead clusters included
     * @throws IllegalStateException if this is not a mesh
     */
    public int meshHeight() {
        requireMesh("meshHeight");
        return meshHeight;
    }

    /**
     * @param cluster a cluster of this mesh
     * @return its mesh coordinates
     * @throws IllegalStateException    if this is not a mesh
     * @throws IllegalArgumentException if the cluster is not in this topology
     */
    public MeshPosition position(ClusterId cluster) {
        requireMesh("position");
        return positions[checkCluster(cluster.index())];
    }

    /**
     * @param x a column, 0 to {@link #meshWidth()} - 1
     * @param y a row, 0 to {@link #meshHeight()} - 1
     * @return the live cluster at that position, or empty where the cluster is dead
     * @throws IllegalStateException    if this is not a mesh
     * @throws IllegalArgumentException if the position is outside the mesh
     */
    public Optional<ClusterId> clusterAt(int x, int y) {
        requireMesh("clusterAt");
        Checks.range("x", x, 0, meshWidth - 1);
        Checks.range("y", y, 0, meshHeight - 1);
        int c = clusterAtPosition[y * meshWidth + x];
        return c < 0 ? Optional.empty() : Optional.of(clusters[c]);
    }

    // ---------------------------------------------------------------- host

    /** @return true when the cores of this topology are real host CPUs ({@link #host()}) */
    public boolean isHost() {
        return hostCpus != null;
    }

    /**
     * @param core a core of this topology
     * @return the host CPU number behind it, as Linux numbers CPUs
     * @throws IllegalStateException    if this is not the host topology
     * @throws IllegalArgumentException if the core is not in this topology
     */
    public int hostCpu(CoreId core) {
        if (hostCpus == null) {
            throw new IllegalStateException("topology '" + name + "' is simulated: only Topology.host() maps cores to host CPUs");
        }
        return hostCpus[checkCore(core.index())];
    }

    // ---------------------------------------------------------------- picture

    /**
     * A text picture for people: a mesh as a grid of core counts with {@code --} for dead
     * clusters; a matrix topology as its distance table.
     *
     * @return a multi-line description
     */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append(name).append(": ").append(clusterCount()).append(clusterCount() == 1 ? " cluster, " : " clusters, ").append(coreCount())
           .append(" cores, ").append(totalPages()).append(" pages of ").append(pageSize)
           .append(" B, diameter ").append(diameter).append(" hops\n");
        if (kind == Kind.MESH) {
            int[] coreCounts = new int[meshWidth * meshHeight];
            Arrays.fill(coreCounts, -1);
            for (int c = 0; c < clusters.length; c++) {
                coreCounts[positions[c].y() * meshWidth + positions[c].x()] = firstCore[c + 1] - firstCore[c];
            }
            TopologyPicture.mesh(out, meshWidth, meshHeight, coreCounts);
        } else {
            int[] coreCounts = new int[clusters.length];
            for (int c = 0; c < clusters.length; c++) {
                coreCounts[c] = firstCore[c + 1] - firstCore[c];
            }
            TopologyPicture.matrix(out, matrix, coreCounts);
        }
        return out.toString();
    }

    /**
     * Two topologies are equal when they describe the same machine: same kind, clusters with the
     * same cores, pages and mesh positions (or the same distance table), same page size and the
     * same host CPUs. The {@link #name()} is a label and takes no part.
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof Topology t && kind == t.kind && pageSize == t.pageSize && meshWidth == t.meshWidth
                && meshHeight == t.meshHeight && Arrays.equals(firstCore, t.firstCore) && Arrays.equals(pages, t.pages)
                && Arrays.equals(packedPositions, t.packedPositions) && Objects.equals(matrix, t.matrix)
                && Arrays.equals(hostCpus, t.hostCpus);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, pageSize, meshWidth, meshHeight, Arrays.hashCode(firstCore), Arrays.hashCode(pages),
                Arrays.hashCode(packedPositions), matrix);
    }

    @Override
    public String toString() {
        return "Topology[" + name + ", " + clusterCount() + " clusters, " + coreCount() + " cores]";
    }

    // ---------------------------------------------------------------- checks

    private int checkCluster(int index) {
        if (index >= clusters.length) {
            throw new IllegalArgumentException("cluster index " + index + " is out of range: topology '" + name
                    + "' has clusters 0 to " + (clusters.length - 1));
        }
        if (index < 0) {
            throw new IllegalArgumentException("cluster index " + index + " is negative: indexes start at 0");
        }
        return index;
    }

    private int checkCore(int index) {
        if (index >= cores.length) {
            throw new IllegalArgumentException("core index " + index + " is out of range: topology '" + name
                    + "' has cores 0 to " + (cores.length - 1));
        }
        if (index < 0) {
            throw new IllegalArgumentException("core index " + index + " is negative: indexes start at 0");
        }
        return index;
    }

    private void requireMesh(String what) {
        if (kind != Kind.MESH) {
            throw new IllegalStateException(what + " needs a mesh, but topology '" + name + "' is a " + kind
                    + " topology");
        }
    }

    // ---------------------------------------------------------------- builder

    /**
     * Builds a 2D mesh. Not thread-safe; each setter validates its argument at once.
     */
    public static final class MeshBuilder {
        private final int width;
        private final int height;
        private int coresPerCluster = 4;
        private int pagesPerCluster = DEFAULT_PAGES_PER_CLUSTER;
        private int pageSize = DEFAULT_PAGE_SIZE;
        private final boolean[] dead;
        private String name;

        private MeshBuilder(int width, int height) {
            this.width = Checks.range("mesh width x", width, 1, MAX_MESH_SIDE);
            this.height = Checks.range("mesh height y", height, 1, MAX_MESH_SIDE);
            this.dead = new boolean[width * height];
        }

        /**
         * @param cores cores in every cluster, 1 to {@value #MAX_CORES_PER_CLUSTER}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public MeshBuilder coresPerCluster(int cores) {
            this.coresPerCluster = Checks.range("coresPerCluster", cores, 1, MAX_CORES_PER_CLUSTER);
            return this;
        }

        /**
         * @param pages page frames in every cluster's bank, 1 or more
         * @return this builder
         * @throws IllegalArgumentException if zero or negative
         */
        public MeshBuilder pagesPerCluster(int pages) {
            this.pagesPerCluster = Checks.range("pagesPerCluster", pages, 1, Integer.MAX_VALUE);
            return this;
        }

        /**
         * @param bytes the page size, a power of two from {@value #MIN_PAGE_SIZE} to 2^30
         * @return this builder
         * @throws IllegalArgumentException if out of range or not a power of two
         */
        public MeshBuilder pageSize(int bytes) {
            Checks.range("pageSize", bytes, MIN_PAGE_SIZE, MAX_PAGE_SIZE);
            if (Integer.bitCount(bytes) != 1) {
                throw new IllegalArgumentException("pageSize " + bytes + " is not a power of two");
            }
            this.pageSize = bytes;
            return this;
        }

        /**
         * Marks clusters as dead: they have no cores and no memory and are left out of the
         * topology. A mesh position index is {@code y * x + x}, as in {@link MeshPosition}.
         *
         * @param clusterIndexes mesh position indexes, 0 to {@code x * y - 1}
         * @return this builder
         * @throws IllegalArgumentException if an index is outside the mesh
         */
        public MeshBuilder without(int... clusterIndexes) {
            for (int i : clusterIndexes) {
                Checks.range("dead cluster index", i, 0, dead.length - 1);
            }
            for (int i : clusterIndexes) {
                dead[i] = true;
            }
            return this;
        }

        /**
         * @param name a human name for {@link #describe()}
         * @return this builder
         */
        public MeshBuilder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * @return the mesh
         * @throws IllegalArgumentException if every cluster is dead
         */
        public Topology build() {
            int live = 0;
            for (boolean d : dead) {
                live += d ? 0 : 1;
            }
            if (live == 0) {
                throw new IllegalArgumentException("every cluster of the " + width + " x " + height
                        + " mesh is dead: at least one must live");
            }
            MeshPosition[] positions = new MeshPosition[live];
            int c = 0;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    if (!dead[y * width + x]) {
                        positions[c++] = new MeshPosition(x, y);
                    }
                }
            }
            String label = name != null ? name : "mesh " + width + "x" + height + "x" + coresPerCluster;
            if (live < dead.length) {
                label += " (" + (dead.length - live) + " dead)";
            }
            return new Topology(label, Kind.MESH, uniform(live, coresPerCluster), uniform(live, pagesPerCluster),
                    pageSize, width, height, positions, null, null);
        }
    }
}
