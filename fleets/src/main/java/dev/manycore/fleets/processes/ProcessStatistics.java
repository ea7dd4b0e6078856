package dev.manycore.fleets.processes;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;

import java.util.Map;

/**
 * What the process manager knows of one live process (fos report 4.7.5, "maintaining statistics
 * about process execution"): where its pages and threads are. Immutable.
 *
 * @param pid            the process
 * @param name           its program's name
 * @param home           the core its main thread runs on
 * @param killed         true once it was asked to die
 * @param pagesByCluster pages held, by the cluster whose bank holds them (clusters with none left out)
 * @param pages          pages held in all
 * @param localPages     pages of them that were in the cluster of the thread that took them
 * @param threads        live threads: thread id to the core it runs on
 */
public record ProcessStatistics(long pid, String name, CoreId home, boolean killed,
                                Map<ClusterId, Integer> pagesByCluster, int pages, int localPages,
                                Map<Integer, CoreId> threads) {

    /** Copies the maps. */
    public ProcessStatistics {
        pagesByCluster = Map.copyOf(pagesByCluster);
        threads = Map.copyOf(threads);
    }

    /** @return the share of pages that were local to the thread that took them, 1 when none are held */
    public double localPageShare() {
        return pages == 0 ? 1.0 : (double) localPages / pages;
    }
}
