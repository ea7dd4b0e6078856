package dev.manycore.messaging.internal;

import dev.manycore.numa.Topology;

/**
 * Which host worker runs which simulated core: contiguous, balanced groups of cores in core order,
 * which is cluster by cluster, so a worker runs whole clusters where there are at least as many
 * clusters as workers (cache locality of the agents that talk most), and consecutive cores of one
 * cluster otherwise.
 *
 * <p>Immutable and thread-safe.
 */
public final class CoreAssignment {

    private final int workers;
    private final int[] workerOfCore;

    private CoreAssignment(int workers, int[] workerOfCore) {
        this.workers = workers;
        this.workerOfCore = workerOfCore;
    }

    /**
     * @param topology the machine
     * @param workers  host workers, 1 to the number of cores (validated by the caller)
     * @return the assignment
     */
    public static CoreAssignment byCluster(Topology topology, int workers) {
        int cores = topology.coreCount();
        int clusters = topology.clusterCount();
        int[] of = new int[cores];
        if (clusters >= workers) {
            // whole clusters: a cluster goes to the worker in whose share its first core falls
            int core = 0;
            for (int c = 0; c < clusters; c++) {
                int n = topology.coresOf(topology.cluster(c)).size();
                int w = (int) ((long) c * workers / clusters);
                for (int i = 0; i < n; i++) {
                    of[core++] = w;
                }
            }
        } else {
            for (int core = 0; core < cores; core++) {
                of[core] = (int) ((long) core * workers / cores);
            }
        }
        return new CoreAssignment(workers, of);
    }

    /** @return the number of workers */
    public int workers() {
        return workers;
    }

    /**
     * @param core a core index
     * @return the worker that runs it
     */
    public int workerOf(int core) {
        return workerOfCore[core];
    }

    /**
     * @param topology the machine this assignment was made for
     * @param worker   a worker
     * @return the indexes of the clusters that have at least one core on that worker
     */
    public int[] clustersOf(Topology topology, int worker) {
        return java.util.stream.IntStream.range(0, topology.coreCount())
                .filter(core -> workerOfCore[core] == worker)
                .map(core -> topology.clusterOf(topology.core(core)).index())
                .distinct().toArray();
    }
}
