package dev.manycore.dqdt;

/**
 * A read-only view of the DQDT's load indicators, the input of every {@link SearchPolicy} (ALMOS
 * "indicators per node and per child": T threads, M free pages, free blocks per buddy order, and
 * here the busy cores and, more generally, the cores that hold at least {@code j} threads).
 *
 * <h2>What a node's value is</h2>
 * For a node other than the root, every method returns the value its <b>parent</b> records for it
 * (the parent's per-child slot), so sorting the children of a node reads only that node's cache
 * lines; for the root, the sum of its per-child slots; for a single-cluster tree, the cluster's
 * exact counts. Per-cluster and per-core methods ({@link #coreThreads}, {@link #clusterFreePages},
 * {@link #clusterFreeBlocks}) are always exact.
 *
 * <h2>Staleness, and which way it goes</h2>
 * Deltas climb the tree only when they cross a per-node quantum (see {@link Dqdt}), so at quiescence
 * a node's value differs from the sum of its leaves by at most its slack; and each indicator is
 * rounded the way its decisions need:
 * <ul>
 *   <li>{@link #threads}: centred, within {@link #threadSlack} either way (it is a sort key);</li>
 *   <li>{@link #busyCores}, {@link #coresWithAtLeast}: never above the exact count, at most
 *       {@link #saturationSlack} below it, so "every core holds at least j threads" is certain
 *       when the value equals the node's cores, and a filter "some core holds fewer than j" never
 *       hides a core that does;</li>
 *   <li>{@link #freePages}, {@link #freeBlocks}: never below the exact count, at most
 *       {@link #pageSlack} / {@link #blockSlack} above it, so a memory search never misses free
 *       memory and the exact per-cluster check has the last word.</li>
 * </ul>
 * While updates run, in-flight deltas add to that. Values are clamped at 0, so a reader never sees
 * a negative count.
 *
 * <h2>Thread safety and memory ordering</h2>
 * Every method may be called from any thread at any time. Counters are read with opaque loads
 * ({@code VarHandle.getOpaque}): each read is atomic and eventually sees every update, but a set of
 * reads is not a snapshot. Node arguments are validated: an index outside the shape throws
 * {@link IllegalArgumentException}.
 */
public interface Indicators {

    /** The largest buddy order tracked: free blocks of orders 0 to 10 (4 KiB to 4 MiB pages). */
    int MAX_ORDER = 10;

    /** Saturation levels tracked exactly: cores with at least 1 .. 16 threads. */
    int SATURATION_LEVELS = 16;

    /** @return the tree these indicators describe */
    DqdtShape shape();

    /**
     * @param node a node
     * @return threads running in the subtree
     */
    long threads(int node);

    /**
     * Threads in the subtree as the node itself sums them over its own per-child slots (for a leaf,
     * exact): one rounding fresher than {@link #threads}, at the price of reading the node's own
     * cache line instead of its parent's. Within the sum of its children's {@link #threadSlack}.
     *
     * @param node a node
     * @return threads running in the subtree
     */
    long freshThreads(int node);

    /**
     * @param node a node
     * @return cores of the subtree that hold at least one thread
     */
    long busyCores(int node);

    /**
     * @param node    a node
     * @param threads a saturation level, 1 to {@value #SATURATION_LEVELS}
     * @return cores of the subtree that hold at least that many threads
     * @throws IllegalArgumentException if the level is out of range
     */
    long coresWithAtLeast(int node, int threads);

    /**
     * @param node a node
     * @return free page frames in the subtree
     */
    long freePages(int node);

    /**
     * @param node  a node
     * @param order a buddy order, 0 to {@value #MAX_ORDER}
     * @return free blocks of exactly that order in the subtree
     * @throws IllegalArgumentException if the order is out of range
     */
    long freeBlocks(int node, int order);

    /**
     * @param node  a node
     * @param order a buddy order, 0 to {@value #MAX_ORDER}
     * @return free blocks of that order or larger in the subtree
     * @throws IllegalArgumentException if the order is out of range
     */
    long freeBlocksAtLeast(int node, int order);

    /**
     * @param core a core index
     * @return threads on that core, exact
     */
    long coreThreads(int core);

    /**
     * @param cluster a cluster index
     * @return free page frames of its bank, exact
     */
    long clusterFreePages(int cluster);

    /**
     * @param cluster a cluster index
     * @param order   a buddy order, 0 to {@value #MAX_ORDER}
     * @return free blocks of exactly that order in its bank, exact
     */
    long clusterFreeBlocks(int cluster, int order);

    /**
     * @param node a node
     * @return the largest difference, at quiescence, between {@link #threads} of this node and the
     *         exact sum of its leaves, either way
     */
    long threadSlack(int node);

    /**
     * @param node a node
     * @return how far below the exact count {@link #busyCores} and {@link #coresWithAtLeast} may
     *         be at quiescence (they are never above it)
     */
    long saturationSlack(int node);

    /**
     * @param node a node
     * @return how far above the exact count {@link #freePages} may be (never below)
     */
    long pageSlack(int node);

    /**
     * @param node a node
     * @return how far above the exact count {@link #freeBlocks} of one order may be (never below)
     */
    long blockSlack(int node);
}
