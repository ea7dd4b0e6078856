package dev.manycore.kernel;

import dev.manycore.fleets.pages.PageRun;
import dev.manycore.numa.ClusterId;

import java.util.List;
import java.util.Objects;

/**
 * Pages a process took with {@link Syscalls#allocPages}: the buddy runs the page allocator handed
 * out, owned by the process's PID. Give them back with {@link Syscalls#freePages}; whatever a
 * process still holds is freed when it ends. Immutable.
 *
 * @param owner the owning PID
 * @param runs  the runs, at least one
 */
public record Pages(long owner, List<PageRun> runs) {

    /** Copies the runs and validates. */
    public Pages {
        runs = List.copyOf(runs);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("pages of process " + owner + " hold no run");
        }
    }

    /** @return the cluster holding most of the pages (the first such cluster in run order) */
    public ClusterId cluster() {
        ClusterId best = runs.getFirst().cluster();
        int bestPages = 0;
        for (PageRun r : runs) {
            int n = 0;
            for (PageRun s : runs) {
                if (s.cluster().equals(r.cluster())) {
                    n += s.pages();
                }
            }
            if (n > bestPages) {
                best = r.cluster();
                bestPages = n;
            }
        }
        return best;
    }

    /** @return the number of pages */
    public int count() {
        int n = 0;
        for (PageRun r : runs) {
            n += r.pages();
        }
        return n;
    }

    /**
     * @param cluster a cluster
     * @return the pages of these runs in that cluster's bank
     */
    public int pagesIn(ClusterId cluster) {
        Objects.requireNonNull(cluster, "cluster is null");
        int n = 0;
        for (PageRun r : runs) {
            if (r.cluster().equals(cluster)) {
                n += r.pages();
            }
        }
        return n;
    }
}
