package dev.manycore.kernel;

import dev.manycore.fleets.processes.ProcessStatistics;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;

import java.util.Map;

/**
 * Statistics of one live process: what the process manager records (pages by cluster, threads by
 * core) and what its libfos layer counted (letters sent). Immutable.
 *
 * @param manager      the process manager's record
 * @param messagesSent letters the process's threads sent
 */
public record ProcessStats(ProcessStatistics manager, long messagesSent) {

    /** @return pages held, by the cluster holding them */
    public Map<ClusterId, Integer> pagesByCluster() {
        return manager.pagesByCluster();
    }

    /** @return pages held */
    public int pages() {
        return manager.pages();
    }

    /** @return live threads: id to core */
    public Map<Integer, CoreId> threads() {
        return manager.threads();
    }

    /** @return the share of pages local to the thread that took them */
    public double localPageShare() {
        return manager.localPageShare();
    }
}
