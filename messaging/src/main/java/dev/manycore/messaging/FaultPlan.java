package dev.manycore.messaging;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A script of {@link Fault}s for a {@link SimulatedEngine}: written by hand ({@link #of}) or drawn
 * from a seed ({@link #random}), so a chaos run is replayed exactly from its seed.
 *
 * @param faults the faults, ordered by start time (an immutable list)
 */
public record FaultPlan(List<Fault> faults) {

    /** Copies and sorts the faults by start time (stable: equal times keep their order). */
    public FaultPlan {
        List<Fault> sorted = new ArrayList<>(Objects.requireNonNull(faults, "faults are null"));
        sorted.forEach(f -> Objects.requireNonNull(f, "a fault of the plan is null"));
        sorted.sort(Comparator.comparingLong(Fault::at));
        faults = List.copyOf(sorted);
    }

    /**
     * @param faults the faults
     * @return a plan of exactly these faults
     */
    public static FaultPlan of(Fault... faults) {
        return new FaultPlan(List.of(faults));
    }

    /**
     * Draws {@code count} faults from a seed, each kind equally likely, starting uniformly in
     * {@code [from, from + window)} and lasting a twentieth to a fifth of the window: crashes of distinct
     * agents among {@code crashable} (none when the list is empty), crashes of the core of one of
     * them, link delays of 1 to 20 microseconds between two random clusters, full mailboxes of
     * crashable agents, and partitions that cut off a random group of 1 to max(1, clusters / 4)
     * clusters. The same arguments always give the same plan.
     *
     * @param seed      the seed
     * @param topology  the machine whose clusters may be cut or delayed
     * @param crashable agents that may crash or be held full (servers, usually)
     * @param from      the virtual time when the fault window opens, 0 or more
     * @param window    the virtual time span in which faults begin, 20 ns or more
     * @param count     the number of faults, 0 or more
     * @return the plan
     * @throws IllegalArgumentException if the start, window or count is out of range
     */
    public static FaultPlan random(long seed, Topology topology, List<Address> crashable, long from, long window,
                                   int count) {
        Objects.requireNonNull(topology, "topology is null");
        List<Address> candidates = List.copyOf(Objects.requireNonNull(crashable, "crashable agents are null"));
        if (window < 20) {
            throw new IllegalArgumentException("fault window " + window + " ns is too short: 20 ns or more");
        }
        if (from < 0 || from + window < 0) {
            throw new IllegalArgumentException("fault window start " + from + " ns is negative or too late");
        }
        if (count < 0) {
            throw new IllegalArgumentException("fault count " + count + " is negative");
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Fault> faults = new ArrayList<>(count);
        Set<Address> crashed = new HashSet<>();
        int clusters = topology.clusterCount();
        for (int i = 0; i < count; i++) {
            long at = from + random.nextLong(window);
            long duration = window / 20 + random.nextLong(window / 5 - window / 20 + 1);
            int kind = random.nextInt(5);
            if ((kind == 0 || kind == 1 || kind == 3) && candidates.isEmpty()) {
                kind = random.nextBoolean() ? 2 : 4;
            }
            switch (kind) {
                case 0 -> {
                    Address victim = candidates.get(random.nextInt(candidates.size()));
                    if (crashed.add(victim)) {
                        faults.add(new Fault.CrashAgent(victim, at));
                    }
                }
                case 1 -> {
                    Address victim = candidates.get(random.nextInt(candidates.size()));
                    faults.add(new Fault.CrashCore(victim.core(), at));
                }
                case 2 -> faults.add(new Fault.DelayLink(topology.cluster(random.nextInt(clusters)),
                        topology.cluster(random.nextInt(clusters)), 1_000 + random.nextLong(19_001), at, duration));
                case 3 -> faults.add(new Fault.HoldMailboxFull(candidates.get(random.nextInt(candidates.size())), at,
                        duration));
                default -> {
                    int size = 1 + random.nextInt(Math.max(1, clusters / 4));
                    Set<ClusterId> island = new HashSet<>();
                    while (island.size() < Math.min(size, Math.max(1, clusters - 1))) {
                        island.add(topology.cluster(random.nextInt(clusters)));
                    }
                    faults.add(new Fault.Partition(List.of(island), at, duration));
                }
            }
        }
        return new FaultPlan(faults);
    }
}
