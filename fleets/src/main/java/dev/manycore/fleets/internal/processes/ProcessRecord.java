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

    /**
     * An immutable copy of a record, handed over when its member leaves the fleet.
     *
     * @param pid            the PID
     * @param inc            its incarnation
     * @param name           the program's name
     * @param tids           live thread ids
     * @param cores          their cores, in the same order
     * @param pagesByCluster pages by cluster index
     * @param pages          pages held
     * @param localPages     local pages held
     * @param nextTid        the next thread id
     * @param killed         killed flag
     * @param exiting        exiting flag
     * @param names          registered names
     * @param waiters        callers waiting for the exit
     */
    record Image(long pid, long inc, String name, List<Integer> tids, List<CoreId> cores, List<Integer> pagesByCluster,
                 int pages, int localPages, int nextTid, boolean killed, boolean exiting, List<OwnedName> names,
                 List<Caller> waiters) {
        Image {
            tids = List.copyOf(tids);
            cores = List.copyOf(cores);
            pagesByCluster = List.copyOf(pagesByCluster);
            names = List.copyOf(names);
            waiters = List.copyOf(waiters);
        }
    }

    Image image() {
        List<Integer> byCluster = new ArrayList<>(pagesByCluster.length);
        for (int n : pagesByCluster) {
            byCluster.add(n);
        }
        return new Image(pid, inc, name, new ArrayList<>(threads.keySet()), new ArrayList<>(threads.values()), byCluster,
                pages, localPages, nextTid, killed, exiting, names, waiters);
    }

    static ProcessRecord of(Image image) {
        ProcessRecord r = new ProcessRecord(image.pid(), image.inc(), image.name(), null, image.pagesByCluster().size());
        r.threads.clear();
        for (int i = 0; i < image.tids().size(); i++) {
            r.threads.put(image.tids().get(i), image.cores().get(i));
        }
        for (int c = 0; c < r.pagesByCluster.length; c++) {
            r.pagesByCluster[c] = image.pagesByCluster().get(c);
        }
        r.pages = image.pages();
        r.localPages = image.localPages();
        r.nextTid = image.nextTid();
        r.killed = image.killed();
        r.exiting = image.exiting();
        r.names.addAll(image.names());
        r.waiters.addAll(image.waiters());
        return r;
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
