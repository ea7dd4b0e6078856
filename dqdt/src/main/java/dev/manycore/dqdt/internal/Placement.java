package dev.manycore.dqdt.internal;

import dev.manycore.dqdt.Indicators;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread, process and migration decisions with optimistic reservation (the older ALMOS variant in
 * {@code reference/almos-dqdt-notes.md}: increment T, check, roll back and retry), so that a burst
 * of concurrent requests does not pile onto the one core every searcher sees as least loaded.
 *
 * <h2>Passes</h2>
 * A placement first reads, at the radius ancestor, the lowest limit {@code L} such that some core
 * may hold fewer than {@code L} threads (the saturation counts make this exact up to
 * {@value Indicators#SATURATION_LEVELS} threads per core). Pass {@code L} is the expanding-ring
 * search with the filter "a core below {@code L}"; if it finds nothing (stale counters), the next
 * pass raises {@code L} by one, up to {@value #MAX_PASSES} passes, then a last pass has no filter.
 * Pass 1 is ALMOS's first pass ("a core with no thread"); the later ones are its second pass with
 * a usage threshold, the threshold being threads per core.
 * Passes with a limit up to {@value Indicators#SATURATION_LEVELS} run {@link NearestCoreSearch},
 * which answers as {@link RingSearch} does at quiescence with fewer memory accesses.
 *
 * <h2>Reservation</h2>
 * The chosen core is charged at once (the caller's thread is counted there); the getAndAdd returns
 * the count it found, and if that is no longer below the pass's limit another placer got there
 * first: the charge is rolled back and the search runs again, at most {@value #MAX_ATTEMPTS} times;
 * the last attempt keeps its charge. Every step is a bounded search plus getAndAdds: no locks, no
 * CAS loops.
 *
 * <p>Thread-safe; the only mutable state is the indicator cells and an atomic salt counter.
 */
public final class Placement {

    /** Passes with a rising limit before the unfiltered pass. */
    static final int MAX_PASSES = 8;
    /** Reservations tried before one is kept regardless. */
    static final int MAX_ATTEMPTS = 8;

    private static final Logger LOG = LoggerFactory.getLogger(Placement.class);

    private final TreeArrays tree;
    private final IndicatorCells cells;
    private final LoadPolicy[] nearest;
    private final LoadPolicy unlimitedNearest;
    private final NearestCoreSearch nearestSearch;
    private final AtomicLong salts;

    /**
     * @param tree  the tree
     * @param cells its counters
     * @param seed  the seed of process placement's random tie-breaks
     */
    public Placement(TreeArrays tree, IndicatorCells cells, long seed) {
        this.tree = tree;
        this.cells = cells;
        this.nearest = new LoadPolicy[Indicators.SATURATION_LEVELS * 4 + 1];
        for (int limit = 1; limit < nearest.length; limit++) {
            nearest[limit] = new LoadPolicy(tree, cells, limit, 0, false);
        }
        this.unlimitedNearest = new LoadPolicy(tree, cells, LoadPolicy.UNLIMITED, 0, false);
        this.nearestSearch = new NearestCoreSearch(tree, cells);
        this.salts = new AtomicLong(Mix.mix64(seed));
    }

    /**
     * Places a thread near a cluster and charges it to the chosen core.
     *
     * @param origin the origin cluster
     * @param radius the highest level searched
     * @return the core charged with the thread, or -1 if no core in the radius has room
     */
    public int placeThread(int origin, int radius) {
        return place(origin, radius, -1, 0, false);
    }

    /**
     * Places a process (its first thread) inside a subtree, from its top, with random tie-breaks.
     *
     * @param anchor the subtree (the root for a whole-chip placement)
     * @return the core charged with the thread, or -1
     */
    public int placeProcess(int anchor) {
        long salt = Mix.mix64(salts.getAndAdd(Mix.GAMMA));
        return place(tree.home()[anchor], tree.level()[anchor], anchor, salt, true);
    }

    private int place(int origin, int radius, int anchor, long salt, boolean random) {
        int top = anchor >= 0 ? anchor : radius == tree.levelCount() - 1 ? tree.root() : tree.ancestor(origin, radius);
        for (int attempt = 1; ; attempt++) {
            long limit = startLimit(top);
            int core = -1;
            for (int pass = 0; pass < MAX_PASSES && core < 0; pass++, limit++) {
                core = search(origin, radius, anchor, policy(limit, salt, random));
            }
            limit--;
            if (core < 0) {
                limit = LoadPolicy.UNLIMITED;
                core = search(origin, radius, anchor, random ? new LoadPolicy(tree, cells, limit, salt, true) : unlimitedNearest);
                if (core < 0) {
                    return -1;
                }
            }
            // Reservation: the getAndAdd is the linearisation point of the decision.
            long before = cells.addThread(core, 1);
            if (before < limit || attempt == MAX_ATTEMPTS) {
                if (attempt == MAX_ATTEMPTS && before >= limit) {
                    LOG.debug("placement kept core {} with {} threads after {} contended attempts", core, before, attempt);
                }
                return core;
            }
            cells.addThread(core, -1);
        }
    }

    private int search(int origin, int radius, int anchor, LoadPolicy policy) {
        if (anchor >= 0) {
            return RingSearch.searchWithin(tree, cells, origin, anchor, policy);
        }
        // The passes of a thread placement with a saturation filter (all but the rare ones above
        // SATURATION_LEVELS threads per core) take the specialised search: same answer at quiescence.
        long limit = policy.limit();
        return limit <= Indicators.SATURATION_LEVELS
                ? nearestSearch.search(origin, radius, policy)
                : RingSearch.search(tree, cells, origin, radius, policy);
    }

    private LoadPolicy policy(long limit, long salt, boolean random) {
        if (!random && limit < nearest.length) {
            return nearest[(int) limit];
        }
        return new LoadPolicy(tree, cells, limit, salt, random);
    }

    /**
     * The lowest limit that some core of the subtree may be under. Saturation counts are never
     * above the truth, so at quiescence this never skips the limit that holds the least-loaded core.
     */
    private long startLimit(int node) {
        long cores = tree.cores()[node];
        for (int j = 1; j <= Indicators.SATURATION_LEVELS; j++) {
            if (cells.saturationOf(node, j) < cores) {
                return j;
            }
        }
        return Math.max(Indicators.SATURATION_LEVELS + 1, (cells.threadsOf(node) - cells.threadSlackOf(node)) / cores + 1);
    }

    /**
     * A core, near an overloaded one, that holds at least two threads fewer, so that moving one
     * thread there evens the load. Nothing is charged: the caller reports the move.
     *
     * @param core   the overloaded core
     * @param radius the highest level searched
     * @return the target core, or -1 when no core in the radius is that much less loaded
     */
    public int migrationTarget(int core, int radius) {
        long load = cells.coreThreads(core);
        if (load < 2) {
            return -1;
        }
        long limit = load - 1;
        LoadPolicy policy = limit < nearest.length ? nearest[(int) limit] : new LoadPolicy(tree, cells, limit, 0, false);
        return RingSearch.search(tree, cells, cells.clusterOfCore(core), radius, policy);
    }

    /**
     * The nearest cluster with a free block of at least {@code order} and its watermark kept.
     *
     * @param origin    the origin cluster
     * @param radius    the highest level searched
     * @param order     the smallest block order that serves
     * @param pages     the pages the caller means to take
     * @param watermark free pages each cluster must keep, by cluster index
     * @return the cluster index, or -1
     */
    public int findMemory(int origin, int radius, int order, long pages, long[] watermark) {
        return RingSearch.search(tree, cells, origin, radius, new MemoryPolicy(cells, watermark, order, pages));
    }
}
