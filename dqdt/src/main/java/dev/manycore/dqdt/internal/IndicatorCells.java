package dev.manycore.dqdt.internal;

import dev.manycore.dqdt.DqdtShape;
import dev.manycore.dqdt.Indicators;
import dev.manycore.numa.Topology;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The DQDT's counters and their wait-free, quantised upward propagation.
 *
 * <p>Source: ALMOS {@code dqdt.c} ("How indicators move up" in {@code reference/almos-dqdt-notes.md})
 * adds +1/-1 with an atomic add on every node up to the root for each thread event, which makes the
 * root a hot spot. Here leaves are exact and a node tells its parent about a change only when its
 * running total crosses a multiple of the parent's quantum, in the manner of hierarchical
 * approximate counters (a combining tree without combining: no CAS, no locks).
 *
 * <h2>Streams</h2>
 * Every node {@code x} but the root has a <em>stream</em> {@code s(x)} per indicator: the value its
 * parent records for it, stored in the parent's row (per-child slots, so a parent sorts its children
 * from its own cache lines). A leaf's sources are exact: one counter per core (threads) and one row
 * per cluster (free pages and free blocks per order). When an add on a source or stream {@code s(x)}
 * takes it from {@code old} to {@code new}, the amount
 * <pre>  moved = q * (floor((new + phase) / q) - floor((old + phase) / q)),  q = quantum of parent(x)</pre>
 * is added to {@code s(parent(x))}, and so on up. The adds on one stream form one linear chain
 * (getAndAdd), so the moved amounts telescope: once in-flight updates finish,
 * {@code s(parent) = sum over children of q * floor((s(x) + phase) / q)}, within {@code q / 2} of the
 * exact sum per child. {@link #flush()} sets each phase so that the rounding goes the way its
 * readers need (see {@code phaseFor}): centred for thread counts, down for saturation counts, up
 * for free memory. Quanta are powers of two, so the floors are arithmetic shifts.
 *
 * <h2>Layout</h2>
 * <pre>
 * rows (inner nodes), one row per node, ROW_STRIDE longs apart (&gt; one cache line of gap):
 *   [ THREADS+BUSY c0 c1 c2 c3 | SAT2 c0..c3 | ... | SAT16 c0..c3 | PAGES c0..c3 | BLOCKS0 c0..c3 | ... | BLOCKS10 c0..c3 | pad ]
 * a THREADS+BUSY cell packs two streams in one long, as one signed sum:
 *   cell = busy * 2^32 + threads      threads = (int) cell,   busy = (cell - threads) &gt;&gt; 32
 *   (exact while each stream, in-flight deltas included, lies in [-2^31, 2^31): a subtree holds
 *   fewer than 2^31 threads; one getAndAdd of (dBusy &lt;&lt; 32) + dThreads moves both, borrows included)
 * cores: one long per core, the cores of a cluster side by side, CLUSTER_GAP longs between clusters
 *        (a cluster's cores share their lines: the threaded engine drives a cluster's cores from
 *        one host thread and TSAR's cores share their cluster's L2, so this costs little false
 *        sharing, and the final select of a placement reads one line; clusters never share one)
 * banks: [ pages | blocks0 .. blocks10 | pad ] per cluster, BANK_STRIDE longs apart
 * </pre>
 *
 * <h2>Progress and ordering</h2>
 * An update is wait-free: a thread event is at most {@code 1 + 2 x (levels - 1)} getAndAdd
 * operations, and {@code 1 + (levels - 1)} when a core goes from idle to busy or back (threads and
 * busy cores move in one packed getAndAdd per level); a memory event {@code 2 + 2 x (levels - 1)};
 * no retry loop. Each
 * getAndAdd is a linearisation point of its own counter; a whole update is not atomic, which is the
 * staleness readers accept. Reads are opaque. {@link #flush()} uses plain volatile stores and needs
 * quiescence.
 */
public final class IndicatorCells implements Indicators {

    /** Indicators with a stream: threads, 16 saturation levels, free pages, 11 block orders. */
    static final int THREADS = 0;
    static final int SAT_FIRST = 1;
    static final int PAGES = SAT_FIRST + SATURATION_LEVELS;
    static final int BLOCKS_FIRST = PAGES + 1;
    static final int INDICATORS = BLOCKS_FIRST + MAX_ORDER + 1;
    /** Cells per child in a row: threads and busy cores (SAT1) share one. */
    private static final int CELLS = INDICATORS - 1;

    private static final int ROW_STRIDE = CELLS * TreeArrays.ARITY + 12;
    private static final int CLUSTER_GAP = 8;
    private static final int BANK_STRIDE = 24;
    private static final int PAD = 16;

    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    private final TreeArrays tree;
    private final DqdtShape shape;
    private final int root;
    private final int leafCount;
    private final int[] parent;
    private final int[] slot;
    private final int[] level;
    private final int[] firstCore;
    private final int[] clusterOfCore;
    /** Index in {@code rows} of each node's packed THREADS+BUSY cell in its parent's row (-1 for the root). */
    private final int[] packedCellInParent;

    private final long[] rows;
    private final long[] cores;
    private final long[] banks;

    /** Quantum shifts for transfers into a node's stream: count indicators and pages. */
    private final int[] countShift;
    private final int[] pageShift;
    /** Phase of each stream s(x) (per indicator) and of each bank's pages source. */
    private final int[] phase;
    private final int[] bankPagePhase;

    private final long[] threadSlackOf;
    private final long[] oneSidedSlackOf;
    private final long[] pageSlackOf;

    /**
     * @param tree           the shape's arrays
     * @param shape          the public shape, returned by {@link #shape()}
     * @param coreDivisor    a node's count quantum is the largest power of two at most its cores
     *                       divided by this (at least 1); {@code Integer.MAX_VALUE} makes every
     *                       quantum 1 (exact, ALMOS-like propagation)
     * @param pageDivisor    the same for free pages, relative to the subtree's page frames
     */
    public IndicatorCells(TreeArrays tree, DqdtShape shape, int coreDivisor, int pageDivisor) {
        this.tree = tree;
        this.shape = shape;
        this.root = tree.root();
        this.leafCount = tree.leafCount();
        this.parent = tree.parent();
        this.slot = tree.slot();
        this.level = tree.level();
        Topology topology = tree.topology();
        this.firstCore = tree.firstCore();
        this.clusterOfCore = new int[topology.coreCount()];
        for (int c = 0; c < leafCount; c++) {
            for (int k = firstCore[c]; k < firstCore[c + 1]; k++) {
                clusterOfCore[k] = c;
            }
        }
        int n = tree.nodeCount();
        this.rows = new long[PAD + Math.max(0, n - leafCount) * ROW_STRIDE + PAD];
        this.packedCellInParent = new int[n];
        for (int node = 0; node < n; node++) {
            packedCellInParent[node] = node == root ? -1 : cell(parent[node], THREADS, slot[node]);
        }
        this.cores = new long[PAD + topology.coreCount() + leafCount * CLUSTER_GAP + PAD];
        this.banks = new long[PAD + leafCount * BANK_STRIDE + PAD];
        this.countShift = new int[n];
        this.pageShift = new int[n];
        this.phase = new int[n * INDICATORS];
        this.bankPagePhase = new int[leafCount];
        this.threadSlackOf = new long[n];
        this.oneSidedSlackOf = new long[n];
        this.pageSlackOf = new long[n];
        for (int node = 0; node < n; node++) {
            // Leaves pass thread and block counts on exactly: level 1 is always exact.
            countShift[node] = level[node] == 0 ? 0 : quantumShift(tree.cores()[node], coreDivisor);
            pageShift[node] = quantumShift(tree.pages()[node], pageDivisor);
        }
        computeSlack();
    }

    private static int quantumShift(long capacity, int divisor) {
        long q = Math.max(1, capacity / divisor);
        return 63 - Long.numberOfLeadingZeros(q);
    }

    /**
     * Slack of s(x) = the children's slack + childCount x (what one quantisation can be off by):
     * {@code q / 2} for centred thread counts, {@code q - 1} for the one-sided indicators; a leaf's
     * pages: {@code q - 1} for its bank's quantisation.
     */
    private void computeSlack() {
        for (int node = 0; node < tree.nodeCount(); node++) {
            long centred = 0;
            long oneSided = 0;
            long pages = 0;
            if (level[node] == 0) {
                pages = (1L << pageShift[node]) - 1;
            } else {
                for (int s = 0; s < TreeArrays.ARITY; s++) {
                    int child = tree.children()[node * TreeArrays.ARITY + s];
                    if (child >= 0) {
                        centred += threadSlackOf[child];
                        oneSided += oneSidedSlackOf[child];
                        pages += pageSlackOf[child];
                    }
                }
                if (node != root) {
                    int children = tree.childCount()[node];
                    centred += children * ((1L << countShift[node]) / 2);
                    oneSided += children * ((1L << countShift[node]) - 1);
                    pages += children * ((1L << pageShift[node]) - 1);
                }
            }
            threadSlackOf[node] = centred;
            oneSidedSlackOf[node] = oneSided;
            pageSlackOf[node] = pages;
        }
    }

    /**
     * The phase that sets the rounding of a stream just flushed to {@code v}: threads are centred
     * (the parent is within q / 2 either way), saturation counts rounded down (the parent never
     * sees more full cores than there are, so "full" is certain), free pages and blocks rounded up
     * (the parent never sees less free memory than there is, so a search never misses it).
     */
    private static int phaseFor(int indicator, long v, long q) {
        long target;
        if (indicator == THREADS) {
            target = q / 2;
        } else if (indicator < PAGES) {
            target = 0;
        } else {
            target = q - 1;
        }
        return (int) Math.floorMod(target - v, q);
    }

    // ---------------------------------------------------------------- cells

    /** The cell of an indicator in a row; THREADS and SAT1 share the packed cell 0. */
    private int cell(int parentNode, int indicator, int childSlot) {
        int physical = indicator <= SAT_FIRST ? 0 : indicator - 1;
        return PAD + (parentNode - leafCount) * ROW_STRIDE + physical * TreeArrays.ARITY + childSlot;
    }

    /** @return the packed cell's value {@code busy * 2^32 + threads} */
    private static long pack(long busy, long threads) {
        return (busy << 32) + threads;
    }

    /** @return the threads stream of a packed cell */
    static long packedThreads(long packed) {
        return (int) packed;
    }

    /** @return the busy-cores (SAT1) stream of a packed cell */
    static long packedBusy(long packed) {
        return (packed - (int) packed) >> 32;
    }

    /** @return one indicator's value from its cell's raw content */
    private static long decode(int indicator, long raw) {
        return indicator == THREADS ? packedThreads(raw) : indicator == SAT_FIRST ? packedBusy(raw) : raw;
    }

    private int coreCell(int core) {
        return PAD + core + clusterOfCore[core] * CLUSTER_GAP;
    }

    private static int bankCell(int cluster, int field) {
        return PAD + cluster * BANK_STRIDE + field;
    }

    private static long add(long[] array, int index, long delta) {
        return (long) CELL.getAndAdd(array, index, delta);
    }

    private static long read(long[] array, int index) {
        return (long) CELL.getOpaque(array, index);
    }

    private int shiftOf(int node, int indicator) {
        return indicator == PAGES ? pageShift[node] : countShift[node];
    }

    private static long moved(long old, long delta, int phase, int shift) {
        return (((old + delta + phase) >> shift) - ((old + phase) >> shift)) << shift;
    }

    /**
     * Adds {@code delta} to stream {@code s(node)} of a memory indicator (pages or blocks: not
     * packed) and carries what crosses a quantum upward. Wait-free: one iteration per level at most,
     * one getAndAdd each.
     */
    private void addToStream(int node, int indicator, long delta) {
        int x = node;
        long d = delta;
        while (x != root) {
            int p = parent[x];
            // Linearisation point of this level's part of the update.
            long old = add(rows, cell(p, indicator, slot[x]), d);
            if (p == root) {
                return;
            }
            int shift = shiftOf(p, indicator);
            if (shift != 0) {
                // Quantum 1 passes d on unchanged: no phase to read.
                d = moved(old, d, phase[x * INDICATORS + indicator], shift);
                if (d == 0) {
                    return;
                }
            }
            x = p;
        }
    }

    // ---------------------------------------------------------------- events

    /**
     * @param core a core index
     * @return the cluster index of that core
     */
    public int clusterOfCore(int core) {
        return clusterOfCore[core];
    }

    /**
     * Adds {@code delta} (+1 or -1) threads to a core and propagates the thread count and the one
     * saturation level that changes.
     *
     * @return the core's thread count before the add
     */
    public long addThread(int core, int delta) {
        // Linearisation point of the core's exact count; the order of same-core events.
        long old = add(cores, coreCell(core), delta);
        long j = delta > 0 ? old + 1 : old;
        addThreadStreams(clusterOfCore[core], j >= 1 && j <= SATURATION_LEVELS ? (int) j : 0, delta);
        return old;
    }

    /**
     * The climb of a thread event: the thread count and the one saturation level {@code level}
     * that changed (none when 0), each carried up while its change crosses quanta. Level 1 (busy
     * cores) shares the thread count's packed cell, so an idle-to-busy event is one getAndAdd per
     * level; a higher level is a second getAndAdd, on a neighbouring cell of the same row.
     */
    private void addThreadStreams(int node, int level, long delta) {
        int saturation = SAT_FIRST + level - 1;
        // A saturation cell sits (level - 1) groups of ARITY after the packed cell of the same slot.
        int saturationOffset = (level - 1) * TreeArrays.ARITY;
        int x = node;
        long threads = delta;
        long busy = level == 1 ? delta : 0;
        long saturated = level > 1 ? delta : 0;
        while (x != root) {
            int p = parent[x];
            // The cell's index from one table instead of parent, slot and row arithmetic: fewer loads
            // waiting behind the previous level's getAndAdd.
            int packedCell = packedCellInParent[x];
            // One or two linearisation points, one per cell, as in addToStream.
            long old = (threads | busy) != 0 ? add(rows, packedCell, pack(busy, threads)) : 0;
            long oldSaturated = saturated != 0 ? add(rows, packedCell + saturationOffset, saturated) : 0;
            if (p == root) {
                return;
            }
            int shift = countShift[p];
            if (shift != 0) {
                int base = x * INDICATORS;
                threads = threads != 0 ? moved(packedThreads(old), threads, phase[base + THREADS], shift) : 0;
                busy = busy != 0 ? moved(packedBusy(old), busy, phase[base + SAT_FIRST], shift) : 0;
                saturated = saturated != 0 ? moved(oldSaturated, saturated, phase[base + saturation], shift) : 0;
                if ((threads | busy | saturated) == 0) {
                    return;
                }
            }
            x = p;
        }
    }

    /**
     * Adds {@code delta} free blocks of one order to a cluster's bank, and {@code delta << order}
     * free pages.
     *
     * @return the bank's free blocks of that order before the add
     */
    public long addBlocks(int cluster, int order, long delta) {
        // Linearisation point of the bank's exact block count; pages follow in a second getAndAdd,
        // so a reader may briefly see one without the other.
        long old = add(banks, bankCell(cluster, 1 + order), delta);
        addToStream(cluster, BLOCKS_FIRST + order, delta);
        long pages = delta << order;
        long oldPages = add(banks, bankCell(cluster, 0), pages);
        long moved = moved(oldPages, pages, bankPagePhase[cluster], pageShift[cluster]);
        if (moved != 0) {
            addToStream(cluster, PAGES, moved);
        }
        return old;
    }

    /**
     * Makes every stream equal the exact sum of its leaves and resets every phase for its rounding
     * direction, so each stream is again within its slack. Bottom-up, one pass over the nodes. <b>Needs quiescence</b>: an
     * update running at the same time may be lost from the inner nodes (never from the exact leaf
     * sources), until the next quiescent flush.
     */
    public void flush() {
        for (int c = 0; c < leafCount; c++) {
            long q = 1L << pageShift[c];
            bankPagePhase[c] = phaseFor(PAGES, read(banks, bankCell(c, 0)), q);
        }
        for (int x = 0; x < tree.nodeCount(); x++) {
            if (x == root) {
                continue;
            }
            int p = parent[x];
            long threads = 0;
            for (int ind = 0; ind < INDICATORS; ind++) {
                long v = level[x] == 0 ? leafExact(x, ind) : rowSum(x, ind);
                if (ind == THREADS) {
                    threads = v;
                } else {
                    CELL.setVolatile(rows, cell(p, ind, slot[x]), ind == SAT_FIRST ? pack(v, threads) : v);
                }
                phase[x * INDICATORS + ind] = phaseFor(ind, v, 1L << shiftOf(p, ind));
            }
        }
    }

    /** Sets a bank's free blocks (and the pages they make) before the tree is shared. */
    public void initialiseBank(int cluster, long[] blocksPerOrder) {
        long pages = 0;
        for (int o = 0; o <= MAX_ORDER; o++) {
            banks[bankCell(cluster, 1 + o)] = blocksPerOrder[o];
            pages += blocksPerOrder[o] << o;
        }
        banks[bankCell(cluster, 0)] = pages;
    }

    private long leafExact(int leaf, int indicator) {
        if (indicator == THREADS) {
            long sum = 0;
            for (int k = firstCore[leaf]; k < firstCore[leaf + 1]; k++) {
                sum += read(cores, coreCell(k));
            }
            return sum;
        }
        if (indicator < PAGES) {
            int j = indicator - SAT_FIRST + 1;
            long count = 0;
            for (int k = firstCore[leaf]; k < firstCore[leaf + 1]; k++) {
                count += read(cores, coreCell(k)) >= j ? 1 : 0;
            }
            return count;
        }
        if (indicator == PAGES) {
            return read(banks, bankCell(leaf, 0));
        }
        return read(banks, bankCell(leaf, 1 + indicator - BLOCKS_FIRST));
    }

    private long rowSum(int node, int indicator) {
        int base = cell(node, indicator, 0);
        return decode(indicator, read(rows, base)) + decode(indicator, read(rows, base + 1))
                + decode(indicator, read(rows, base + 2)) + decode(indicator, read(rows, base + 3));
    }

    private long value(int node, int indicator) {
        long v;
        if (node == root) {
            v = level[node] == 0 ? leafExact(node, indicator) : rowSum(node, indicator);
        } else {
            v = decode(indicator, read(rows, cell(parent[node], indicator, slot[node])));
        }
        return Math.max(0, v);
    }

    // ---------------------------------------------------------------- unchecked reads for this package's policies

    /** @return the row array, for {@link #readCell} at indices from {@link #rowCell} */
    long[] rowCells() {
        return rows;
    }

    /**
     * @return the index in {@link #rowCells} of an indicator's cell for slot 0 of an inner node's
     *         row; slot {@code s} is at {@code + s}
     */
    int rowCell(int node, int indicator) {
        return cell(node, indicator, 0);
    }

    /** @return a row cell's raw content, read opaque (decode a THREADS/SAT1 cell with {@link #packedThreads}, {@link #packedBusy}) */
    static long readCell(long[] rows, int index) {
        return read(rows, index);
    }

    /**
     * The least-loaded core of a cluster below a limit, lowest index first among equals: one pass
     * over the cluster's adjacent cells, no branch on the data but the loop's.
     *
     * @return the core, or -1 when every core holds {@code limit} threads or more
     */
    int leastLoadedCore(int leaf, long limit) {
        int first = firstCore[leaf];
        int k = leastLoadedAt(firstCoreCell(leaf), firstCore[leaf + 1] - first, limit);
        return k < 0 ? -1 : first + k;
    }

    /**
     * {@link #leastLoadedCore} from a cluster's first core cell and core count, for a caller that
     * keeps them at hand.
     *
     * @return the position of the core among the cluster's cores, or -1
     */
    int leastLoadedAt(int firstCell, int count, long limit) {
        long best = Long.MAX_VALUE;
        for (int k = 0; k < count; k++) {
            long threads = Math.max(0, read(cores, firstCell + k));
            best = threads < limit ? Math.min(best, threads << 20 | k) : best;
        }
        return best == Long.MAX_VALUE ? -1 : (int) (best & 0xFFFFF);
    }

    /** @return the index of a cluster's first core cell; its other cores follow */
    int firstCoreCell(int leaf) {
        // coreCell(first) without its clusterOfCore lookup (a dependent load, often a cache miss).
        return PAD + firstCore[leaf] + leaf * CLUSTER_GAP;
    }

    /** @return the index in {@link #rowCells} of a node's packed THREADS+BUSY cell in its parent's row, -1 for the root */
    int packedCellInParent(int node) {
        return packedCellInParent[node];
    }

    long threadsOf(int node) {
        return value(node, THREADS);
    }

    long freshThreadsOf(int node) {
        return Math.max(0, level[node] == 0 ? leafExact(node, THREADS) : rowSum(node, THREADS));
    }

    long saturationOf(int node, int threads) {
        return value(node, SAT_FIRST + threads - 1);
    }

    long freePagesOf(int node) {
        return value(node, PAGES);
    }

    long freeBlocksAtLeastOf(int node, int order) {
        long sum = 0;
        for (int o = order; o <= MAX_ORDER; o++) {
            sum += value(node, BLOCKS_FIRST + o);
        }
        return sum;
    }

    long coreLoad(int core) {
        return Math.max(0, read(cores, coreCell(core)));
    }

    long bankPages(int cluster) {
        return Math.max(0, read(banks, bankCell(cluster, 0)));
    }

    long bankBlocks(int cluster, int order) {
        return Math.max(0, read(banks, bankCell(cluster, 1 + order)));
    }

    long threadSlackOf(int node) {
        return threadSlackOf[node];
    }

    // ---------------------------------------------------------------- Indicators

    @Override
    public DqdtShape shape() {
        return shape;
    }

    @Override
    public long threads(int node) {
        return value(checkNode(node), THREADS);
    }

    @Override
    public long freshThreads(int node) {
        return freshThreadsOf(checkNode(node));
    }

    @Override
    public long busyCores(int node) {
        return value(checkNode(node), SAT_FIRST);
    }

    @Override
    public long coresWithAtLeast(int node, int threads) {
        if (threads < 1 || threads > SATURATION_LEVELS) {
            throw new IllegalArgumentException("saturation level " + threads + " must be between 1 and "
                    + SATURATION_LEVELS);
        }
        return value(checkNode(node), SAT_FIRST + threads - 1);
    }

    @Override
    public long freePages(int node) {
        return value(checkNode(node), PAGES);
    }

    @Override
    public long freeBlocks(int node, int order) {
        return value(checkNode(node), BLOCKS_FIRST + checkOrder(order));
    }

    @Override
    public long freeBlocksAtLeast(int node, int order) {
        return freeBlocksAtLeastOf(checkNode(node), checkOrder(order));
    }

    @Override
    public long coreThreads(int core) {
        if (core < 0 || core >= clusterOfCore.length) {
            throw new IllegalArgumentException("core index " + core + " must be between 0 and " + (clusterOfCore.length - 1));
        }
        return Math.max(0, read(cores, coreCell(core)));
    }

    @Override
    public long clusterFreePages(int cluster) {
        return Math.max(0, read(banks, bankCell(checkLeaf(cluster), 0)));
    }

    @Override
    public long clusterFreeBlocks(int cluster, int order) {
        return Math.max(0, read(banks, bankCell(checkLeaf(cluster), 1 + checkOrder(order))));
    }

    @Override
    public long threadSlack(int node) {
        return threadSlackOf[checkNode(node)];
    }

    @Override
    public long saturationSlack(int node) {
        return oneSidedSlackOf[checkNode(node)];
    }

    @Override
    public long pageSlack(int node) {
        return pageSlackOf[checkNode(node)];
    }

    @Override
    public long blockSlack(int node) {
        return oneSidedSlackOf[checkNode(node)];
    }

    /**
     * @param node a node
     * @return the quantum (a power of two) with which the node passes thread and block changes to
     *         its parent; 1 for leaves
     */
    public long countQuantum(int node) {
        return 1L << countShift[checkNode(node)];
    }

    /**
     * @param node a node
     * @return the quantum for free pages
     */
    public long pageQuantum(int node) {
        return 1L << pageShift[checkNode(node)];
    }

    // ---------------------------------------------------------------- checks

    private int checkNode(int node) {
        if (node < 0 || node >= tree.nodeCount()) {
            throw new IllegalArgumentException("node " + node + " is out of range: this DQDT has nodes 0 to "
                    + (tree.nodeCount() - 1));
        }
        return node;
    }

    private int checkLeaf(int cluster) {
        if (cluster < 0 || cluster >= leafCount) {
            throw new IllegalArgumentException("cluster index " + cluster + " must be between 0 and " + (leafCount - 1));
        }
        return cluster;
    }

    static int checkOrder(int order) {
        if (order < 0) {
            throw new IllegalArgumentException("order " + order + " is negative: buddy orders start at 0");
        }
        if (order > MAX_ORDER) {
            throw new IllegalArgumentException("order " + order + " is above the maximum buddy order " + MAX_ORDER);
        }
        return order;
    }
}
