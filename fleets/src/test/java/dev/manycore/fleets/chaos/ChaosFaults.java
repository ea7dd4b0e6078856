package dev.manycore.fleets.chaos;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Fault;
import dev.manycore.messaging.FaultPlan;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Draws a fleet's faults from a seed (fos report 3.2.4: a fleet survives the failure of a member,
 * slow links and overload). Unlike {@link FaultPlan#random}, which draws every kind alike, the draw
 * is limited to what a fleet is specified to survive, so a failure of the suite is a bug, not an
 * impossible demand: at most {@code maxCrashes} members crash (whole member cores or single
 * agents; clients' cores never do, since a crashed client cannot receive its own answer), and
 * partitions last at most {@code maxPartitionNanos}.
 *
 * @param maxCrashes        members that may crash, 0 or more (keep one member alive)
 * @param crashCores        whether a crash may take the member's whole core instead of its agent
 * @param linkDelays        whether links between clusters may be slowed (1 to 20 us extra)
 * @param holdFull          whether members' mailboxes may refuse every send with FULL for a while
 * @param maxPartitionNanos the longest partition of a group of clusters; 0 for none
 * @param partitionMembers  whether a partition may cut members off from each other; when false,
 *                          the cut-off group holds no member's cluster (clients are cut off from
 *                          the fleet, the fleet stays whole)
 * @param crashSpacingNanos the least time between two crashes, and between the end of a partition
 *                          that overlaps the view change after a crash and the next crash: a fleet
 *                          replaces its view only with a quorum of it (FleetMember, ViewAgreement),
 *                          so it survives crashes one at a time, not half of its members at once
 *                          (which no quorum rule can tell from a partition in halves), and a
 *                          partition that cuts a member off while a crashed one is still in the
 *                          view counts as a failure too; 0 lets crashes coincide
 */
record ChaosFaults(int maxCrashes, boolean crashCores, boolean linkDelays, boolean holdFull, long maxPartitionNanos,
                   boolean partitionMembers, long crashSpacingNanos) {

    /**
     * The exposure of every chaos test: every kind of fault, partitions of half the suspicion time
     * (twice it with {@code -Dchaos.longPartitions=true}), between members unless
     * {@code -Dchaos.partitionMembers=false}, crashes at least two suspicion times apart (time to
     * install a view without the first before the second).
     *
     * @param maxCrashes     members that may crash
     * @param suspectNanos the fleet's suspicion time
     * @return the faults to draw from
     */
    static ChaosFaults exposure(int maxCrashes, long suspectNanos) {
        return new ChaosFaults(maxCrashes, true, true, true,
                ChaosSeeds.longPartitions() ? 2 * suspectNanos : suspectNanos / 2, ChaosSeeds.partitionMembers(),
                2 * suspectNanos);
    }

    /**
     * The exposure with partitions of up to twice the suspicion time (a cut-off member is evicted,
     * and a side without a quorum must not move on), whatever {@code -Dchaos.longPartitions} says.
     *
     * @param maxCrashes   members that may crash
     * @param suspectNanos the fleet's suspicion time
     * @return the faults to draw from
     */
    static ChaosFaults longPartitions(int maxCrashes, long suspectNanos) {
        return new ChaosFaults(maxCrashes, true, true, true, 2 * suspectNanos, true, 2 * suspectNanos);
    }

    /**
     * @param seed     the seed
     * @param topology the machine
     * @param members  the fleet's members (crash and full-mailbox victims)
     * @param from     when the fault window opens
     * @param window   its length: every fault begins inside it
     * @param count    the number of faults to draw
     * @return the plan, the same for the same arguments
     */
    FaultPlan draw(long seed, Topology topology, List<Address> members, long from, long window, int count) {
        // mixed first: SplittableRandom streams of seeds one golden gamma apart are the same stream shifted
        SplittableRandom random = new SplittableRandom(mix(seed ^ 0x632BE59BD9B4E019L));
        List<Fault> faults = new ArrayList<>();
        Set<Address> crashed = new HashSet<>();
        Set<CoreId> crashedCores = new HashSet<>();
        int clusters = topology.clusterCount();
        for (int i = 0; i < count; i++) {
            long at = from + random.nextLong(window);
            switch (random.nextInt(4)) {
                case 0 -> {
                    if (crashed.size() >= maxCrashes) {
                        continue;
                    }
                    Address victim = members.get(random.nextInt(members.size()));
                    if (!crashed.add(victim)) {
                        continue;
                    }
                    if (crashCores && random.nextBoolean() && crashedCores.add(victim.core())) {
                        faults.add(new Fault.CrashCore(victim.core(), at));
                    } else {
                        faults.add(new Fault.CrashAgent(victim, at));
                    }
                }
                case 1 -> {
                    if (linkDelays) {
                        faults.add(new Fault.DelayLink(topology.cluster(random.nextInt(clusters)),
                                topology.cluster(random.nextInt(clusters)), 1_000 + random.nextLong(19_001), at,
                                window / 20 + random.nextLong(window / 4)));
                    }
                }
                case 2 -> {
                    if (holdFull) {
                        faults.add(new Fault.HoldMailboxFull(members.get(random.nextInt(members.size())), at,
                                window / 40 + random.nextLong(window / 8)));
                    }
                }
                default -> {
                    if (maxPartitionNanos > 0) {
                        int size = 1 + random.nextInt(Math.max(1, clusters / 4));
                        Set<ClusterId> memberClusters = new HashSet<>();
                        if (!partitionMembers) {
                            members.forEach(m -> memberClusters.add(topology.clusterOf(m.core())));
                        }
                        size = Math.min(size, clusters - memberClusters.size());
                        Set<ClusterId> island = new HashSet<>();
                        while (island.size() < size) {
                            ClusterId c = topology.cluster(random.nextInt(clusters));
                            if (!memberClusters.contains(c)) {
                                island.add(c);
                            }
                        }
                        if (island.isEmpty()) {
                            continue;
                        }
                        faults.add(new Fault.Partition(List.of(island), at,
                                1 + random.nextLong(maxPartitionNanos)));
                    }
                }
            }
        }
        return new FaultPlan(spaceCrashes(faults));
    }

    /** Moves each crash to at least {@link #crashSpacingNanos} after the one before it; the rest stays. */
    private List<Fault> spaceCrashes(List<Fault> faults) {
        List<Fault> spaced = new ArrayList<>(faults);
        if (crashSpacingNanos <= 0) {
            return spaced;
        }
        List<Integer> crashes = new ArrayList<>();
        for (int i = 0; i < spaced.size(); i++) {
            if (spaced.get(i) instanceof Fault.CrashAgent || spaced.get(i) instanceof Fault.CrashCore) {
                crashes.add(i);
            }
        }
        crashes.sort((x, y) -> Long.compare(crashTime(spaced.get(x)), crashTime(spaced.get(y))));
        long earliest = Long.MIN_VALUE;
        for (int i : crashes) {
            long at = Math.max(crashTime(spaced.get(i)), earliest);
            spaced.set(i, switch (spaced.get(i)) {
                case Fault.CrashAgent c -> new Fault.CrashAgent(c.agent(), at);
                case Fault.CrashCore c -> new Fault.CrashCore(c.core(), at);
                default -> throw new IllegalStateException("not a crash");
            });
            earliest = reconfigured(faults, at);
        }
        return spaced;
    }

    /**
     * @return when the fleet has had {@link #crashSpacingNanos} free of partitions after a crash at
     *         {@code at}: a partition that overlaps the view change without the crashed member may
     *         hold it up (a cut-off member cannot vote), and a second crash before that view change
     *         would leave no quorum
     */
    private long reconfigured(List<Fault> faults, long at) {
        long done = at + crashSpacingNanos;
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Fault f : faults) {
                if (f instanceof Fault.Partition p && p.at() < done && p.at() + p.duration() > at
                        && p.at() + p.duration() + crashSpacingNanos > done) {
                    done = p.at() + p.duration() + crashSpacingNanos;
                    moved = true;
                }
            }
        }
        return done;
    }

    private static long crashTime(Fault f) {
        return switch (f) {
            case Fault.CrashAgent c -> c.at();
            case Fault.CrashCore c -> c.at();
            default -> throw new IllegalStateException("not a crash: " + f);
        };
    }

    /** The finaliser of SplitMix64: neighbouring seeds give unrelated values. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** @return one line per fault, for a failure message */
    static String describe(FaultPlan plan) {
        StringBuilder sb = new StringBuilder();
        for (Fault f : plan.faults()) {
            sb.append("\n  ").append(f);
        }
        return sb.toString();
    }
}
