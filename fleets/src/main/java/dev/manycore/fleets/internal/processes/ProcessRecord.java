package dev.manycore.fleets.internal.processes;

import dev.manycore.fleets.Caller;
import dev.manycore.fleets.processes.ProcessStatistics;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Name;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One live process in its manager's table (fos report 4.7.5): threads and their cores, pages by
 * cluster, names, waiters. Confined to the member's thread.
 */
final class ProcessRecord {

    /** A name and the owner it was registered in the name of (needed to delete it). */
    record OwnedName(Name name, String owner, Address host) {
    }

    final long pid;
    final long inc;
    final String name;
    final Map<Integer, CoreId> threads = new LinkedHashMap<>();
    final int[] pagesByCluster;
    final List<OwnedName> names = new ArrayList<>();
    final List<Caller> waiters = new ArrayList<>();
    int pages;
    int localPages;
    int nextTid = 1;
    boolean killed;
    boolean exiting;

    ProcessRecord(long pid, long inc, String name, CoreId mainCore, int clusters) {
        this.pid = pid;
        this.inc = inc;
        this.name = name;
        this.threads.put(0, mainCore);
        this.pagesByCluster = new int[clusters];
    }

    CoreId home() {
        CoreId main = threads.get(0);
        return main != null ? main : threads.values().stream().findFirst().orElse(null);
    }

    ProcessStatistics statistics(Topology topology) {
        Map<ClusterId, Integer> byCluster = new HashMap<>();
        for (int c = 0; c < pagesByCluster.length; c++) {
            if (pagesByCluster[c] != 0) {
                byCluster.put(topology.cluster(c), pagesByCluster[c]);
            }
        }
        return new ProcessStatistics(pid, name, home(), killed, byCluster, pages, localPages, threads);
    }
}
