package dev.manycore.fleets.internal.processes;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.processes.UserPlacement;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * DQDT placement restricted to user cores (fos paper 3.1, space sharing: fleet servers own their
 * cores, user threads run on the others). The DQDT knows nothing of fleets, so a decision that lands
 * on a fleet core keeps its charge there for the moment, which makes that core look busier, and
 * asks again; once a user core is found, the temporary charges are given back. At most one search
 * per fleet core plus one; if every answer is a fleet core, the least-loaded user core is taken by
 * a scan. Every answer is charged to the chosen core, as the DQDT's own decisions are.
 *
 * <p>{@link UserPlacement#ROUND_ROBIN} replaces the decisions by a machine-wide round robin over the
 * user cores in a scattered, deterministic order (a locality-blind baseline); the counts are charged the same way.
 *
 * <p>Thread-safe (the DQDT is; the round robin's counter is atomic); used by process manager
 * members on their own threads.
 */
public final class UserCores {

    private final Dqdt dqdt;
    private final Topology topology;
    private final boolean[] reserved;
    private final int reservedCount;
    private final boolean roundRobin;
    private final AtomicInteger next = new AtomicInteger();
    private final List<CoreId> blindOrder;

    /**
     * @param dqdt      the machine's DQDT
     * @param reserved  the cores user threads never run on
     * @param placement DQDT decisions or the locality-blind round robin
     */
    public UserCores(Dqdt dqdt, Set<CoreId> reserved, UserPlacement placement) {
        this.dqdt = dqdt;
        this.roundRobin = placement == UserPlacement.ROUND_ROBIN;
        this.topology = dqdt.topology();
        this.reserved = new boolean[topology.coreCount()];
        for (CoreId c : reserved) {
            this.reserved[c.index()] = true;
        }
        this.reservedCount = reserved.size();
        this.blindOrder = scattered();
        if (reservedCount >= topology.coreCount()) {
            throw new IllegalArgumentException(reservedCount + " reserved cores leave no user core in "
                    + topology.name() + " (" + topology.coreCount() + " cores)");
        }
    }

    /**
     * @param core a core
     * @return true if user threads may run there
     */
    public boolean isUserCore(CoreId core) {
        return !reserved[core.index()];
    }

    /** @return a core for a new process, charged (process placement from the root) */
    public CoreId placeProcess() {
        return place(dqdt::placeProcess, null);
    }

    /**
     * @param near the cluster to place near
     * @return a core for a new process, the nearest least-loaded one to {@code near} (thread placement), charged
     */
    public CoreId placeProcess(ClusterId near) {
        return place(() -> dqdt.placeThread(near), near);
    }

    /**
     * @param origin the parent's cluster
     * @return a core for a new thread near the parent, charged (thread placement)
     */
    public CoreId placeThread(ClusterId origin) {
        return place(() -> dqdt.placeThread(origin), origin);
    }

    /**
     * The least-loaded user core of a cluster, not charged (a migration reports its move itself).
     *
     * @param cluster the target cluster
     * @return the core, or empty if every core of the cluster is a fleet core
     */
    public Optional<CoreId> leastLoadedIn(ClusterId cluster) {
        CoreId best = null;
        long bestThreads = Long.MAX_VALUE;
        for (CoreId c : topology.coresOf(cluster)) {
            if (!reserved[c.index()]) {
                long t = dqdt.threads(c);
                if (t < bestThreads) {
                    best = c;
                    bestThreads = t;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private CoreId place(Supplier<Optional<CoreId>> decision, ClusterId origin) {
        if (roundRobin) {
            return nextUserCore();
        }
        List<CoreId> held = new ArrayList<>();
        try {
            for (int attempt = 0; attempt <= reservedCount; attempt++) {
                Optional<CoreId> c = decision.get();
                if (c.isEmpty()) {
                    break;
                }
                if (!reserved[c.get().index()]) {
                    return c.get();
                }
                held.add(c.get());
            }
        } finally {
            for (CoreId c : held) {
                dqdt.threadExited(c);
            }
        }
        CoreId best = scan(origin);
        dqdt.threadStarted(best);
        return best;
    }

    /** The locality-blind baseline: the next user core of a machine-wide scattered round robin, charged. */
    private CoreId nextUserCore() {
        CoreId c = blindOrder.get(Math.floorMod(next.getAndIncrement(), blindOrder.size()));
        dqdt.threadStarted(c);
        return c;
    }

    /**
     * The user cores in a scattered order: position {@code k} holds core {@code k * stride mod n} of
     * the user cores in index order, with a stride near {@code 0.618 n} that is coprime to {@code n}
     * (golden-ratio hashing), so consecutive choices land far apart, deterministically.
     */
    private List<CoreId> scattered() {
        List<CoreId> user = new ArrayList<>();
        for (int i = 0; i < reserved.length; i++) {
            if (!reserved[i]) {
                user.add(topology.core(i));
            }
        }
        int n = user.size();
        int stride = Math.max(1, (int) Math.round(n * 0.6180339887));
        while (gcd(stride, n) != 1) {
            stride++;
        }
        List<CoreId> order = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            order.add(user.get((int) ((long) k * stride % n)));
        }
        return List.copyOf(order);
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private CoreId scan(ClusterId origin) {
        CoreId best = null;
        long bestKey = Long.MAX_VALUE;
        for (int i = 0; i < reserved.length; i++) {
            if (reserved[i]) {
                continue;
            }
            CoreId c = topology.core(i);
            long hops = origin == null ? 0 : topology.distance(origin, topology.clusterOf(c));
            long key = (dqdt.threads(c) << 20) + hops;
            if (key < bestKey) {
                best = c;
                bestKey = key;
            }
        }
        return best;
    }
}
