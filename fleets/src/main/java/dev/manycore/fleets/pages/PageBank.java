package dev.manycore.fleets.pages;

import dev.manycore.numa.ClusterId;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The page frames of one cluster's memory bank: a {@link BuddyAllocator} over the frames, the owner
 * of every allocated run, the ALMOS watermarks, and optionally the bank's memory itself.
 *
 * <p>Design (ALMOS physical page manager, {@code kernel/mm/ppm.c}; fos report 4.7.2): one buddy
 * allocator per cluster; ordinary allocations must leave 15 % of the bank free and priority ones
 * 5 % ({@link AllocationPriority}). Unlike ALMOS, which guards each bank with a lock, a bank here is
 * owned by one fleet member at a time and needs none. The owner of each allocated run (a process
 * id, 0 for the kernel) is kept in a {@code long[]} indexed by the run's first frame, beside the
 * allocator's record of the run's order, so a free can tell a double free, a run that was never
 * handed out (a part of a larger run, the wrong order) and a run that another owner holds. Every
 * rejection leaves the accounting unchanged.
 *
 * <p>Backing memory: a backed bank holds one off-heap {@link MemorySegment} of
 * {@code frames * pageSize} bytes from {@link Arena#ofShared()}; {@link #segment(PageRun)} is the
 * slice of one run, readable and writable from any thread; {@link #close()} frees it.
 *
 * <p>The free-block counts per order are reported to a {@link FreeBlocksListener} as they change,
 * so the DQDT's indicators can follow ({@code bank.listener(dqdt::freeBlocksChanged)}). A new bank
 * is all free, carved like a fresh buddy allocator, which is the DQDT's default initial state; for
 * a DQDT built with empty memory, {@link #reportFreeBlocks(FreeBlocksListener)} reports the current
 * counts once.
 *
 * <p><b>Not thread-safe</b>, except {@link #segment(PageRun)}, {@link #cluster()},
 * {@link #totalPages()}, {@link #pageSize()}, {@link #isBacked()} and {@link #close()}: one thread
 * owns a bank at a time (its fleet member); handing a bank to another thread needs a happens-before
 * edge, such as a message.
 */
public final class PageBank implements AutoCloseable {

    private final ClusterId cluster;
    private final int frames;
    private final int pageSize;
    private final BuddyAllocator buddy;
    private final long[] owners;
    private final int ordinaryReserve;
    private final int priorityReserve;
    private final Arena arena;
    private final MemorySegment memory;
    private int allocatedPages;

    /**
     * A bank with every frame free.
     *
     * @param cluster  the cluster whose bank this is
     * @param frames   the number of page frames, 1 or more (any number, not only a power of two)
     * @param pageSize the page size in bytes, a power of two, 1 or more
     * @param backed   whether to allocate the bank's memory off-heap ({@code frames * pageSize}
     *                 bytes, zeroed), so that {@link #segment(PageRun)} works
     * @throws IllegalArgumentException if the cluster is null, {@code frames} is not positive or
     *                                  the page size is not a positive power of two
     */
    public PageBank(ClusterId cluster, int frames, int pageSize, boolean backed) {
        if (cluster == null) {
            throw new IllegalArgumentException("bank cluster is null: a bank belongs to one cluster");
        }
        if (frames <= 0) {
            throw new IllegalArgumentException("bank of " + cluster + " has " + frames + " frames: a bank needs at least 1 frame");
        }
        if (pageSize <= 0 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size " + pageSize + " of " + cluster + " is not a positive power of two");
        }
        this.cluster = cluster;
        this.frames = frames;
        this.pageSize = pageSize;
        this.buddy = new BuddyAllocator(frames);
        this.owners = new long[frames];
        this.ordinaryReserve = AllocationPriority.ORDINARY.reservedPages(frames);
        this.priorityReserve = AllocationPriority.PRIORITY.reservedPages(frames);
        if (backed) {
            this.arena = Arena.ofShared();
            this.memory = arena.allocate((long) frames * pageSize, pageSize);
        } else {
            this.arena = null;
            this.memory = null;
        }
    }

    /**
     * Sets the listener told of every change of a free-block count, or none. Not replayed.
     *
     * @param listener the listener, or null for none
     */
    public void listener(FreeBlocksListener listener) {
        // no listener, no call: the buddy allocator's hot path then skips the hook entirely
        buddy.listener(listener == null ? null : (order, delta) -> listener.freeBlocksChanged(cluster, order, delta));
    }

    /**
     * Reports the bank's current free-block counts to a listener, one call per order with free
     * blocks: for a DQDT that starts with empty memory.
     *
     * @param target the listener to tell
     * @throws IllegalArgumentException if the listener is null
     */
    public void reportFreeBlocks(FreeBlocksListener target) {
        if (target == null) {
            throw new IllegalArgumentException("listener is null: reportFreeBlocks needs a listener to report to");
        }
        for (int k = 0; k <= PageRun.MAX_ORDER; k++) {
            int n = buddy.freeBlocks(k);
            if (n > 0) {
                target.freeBlocksChanged(cluster, k, n);
            }
        }
    }

    /**
     * Allocates a run of {@code 2^order} frames for an owner, if the bank holds a free block that
     * large and the allocation leaves at least the priority's reserve free. O(order); allocates
     * only the returned record (and zeroes the run's memory when asked).
     *
     * @param order    the order, 0 to {@value PageRun#MAX_ORDER}
     * @param owner    the owner (a process id, 0 for the kernel), zero or more
     * @param priority the watermark to respect
     * @param zero     whether to zero the run's memory (ignored by a bank without backing memory)
     * @return the run, or null if the watermark or the lack of a large enough free block refuses
     *         (nothing changed then; {@link #refusal} says why)
     * @throws IllegalArgumentException if the order is out of range, the owner is negative or the
     *                                  priority is null
     * @throws IllegalStateException    if {@code zero} is asked of a backed bank that is closed
     */
    public PageRun allocate(int order, long owner, AllocationPriority priority, boolean zero) {
        int first = allocateFrame(order, owner, priority, zero);
        return first < 0 ? null : new PageRun(cluster, first, order);
    }

    /**
     * {@link #allocate} without the record: the same checks and effects, for hot paths that keep
     * frame numbers in primitive arrays. Allocates nothing (unless zeroing touches memory).
     *
     * @param order    the order, 0 to {@value PageRun#MAX_ORDER}
     * @param owner    the owner (a process id, 0 for the kernel), zero or more
     * @param priority the watermark to respect
     * @param zero     whether to zero the run's memory (ignored by a bank without backing memory)
     * @return the first frame of the run, or -1 if the watermark or the lack of a large enough free
     *         block refuses (nothing changed then)
     * @throws IllegalArgumentException if the order is out of range, the owner is negative or the
     *                                  priority is null
     * @throws IllegalStateException    if {@code zero} is asked of a backed bank that is closed
     */
    public int allocateFrame(int order, long owner, AllocationPriority priority, boolean zero) {
        PageRun.checkOrder(order);
        checkOwner(owner);
        if (buddy.freeFrames() - (1 << order) < reserve(priority)) {
            return -1;
        }
        if (zero && memory != null && !arena.scope().isAlive()) {
            throw new IllegalStateException("bank of " + cluster + " is closed: cannot zero a new run of order " + order
                    + " in memory that was freed");
        }
        int first = buddy.allocate(order);
        if (first < 0) {
            return -1;
        }
        owners[first] = owner;
        allocatedPages += 1 << order;
        if (zero && memory != null) {
            slice(first, order).fill((byte) 0);
        }
        return first;
    }

    /**
     * Whether {@link #allocate} would succeed now.
     *
     * @param order    the order, 0 to {@value PageRun#MAX_ORDER}
     * @param priority the watermark to respect
     * @return whether a free block of at least that order exists and taking {@code 2^order} frames
     *         leaves at least the priority's reserve free
     * @throws IllegalArgumentException if the order is out of range or the priority is null
     */
    public boolean canAllocate(int order, AllocationPriority priority) {
        PageRun.checkOrder(order);
        int reserve = reserve(priority);
        return buddy.freeFrames() - (1 << order) >= reserve && buddy.largestFreeOrder() >= order;
    }

    /**
     * Why {@link #allocate} refuses a request now, as an exception the caller may throw: it names the
     * request, what is free and the rule.
     *
     * @param order    the order asked for
     * @param priority the watermark of the request
     * @return the error describing the refusal (also when the request would succeed now: then it
     *         says so)
     * @throws IllegalArgumentException if the order is out of range or the priority is null
     */
    public OutOfPagesException refusal(int order, AllocationPriority priority) {
        PageRun.checkOrder(order);
        int reserve = reserve(priority);
        int free = buddy.freeFrames();
        String request = "cannot allocate " + (1 << order) + " pages (order " + order + ", " + priority + ") in " + cluster
                + ": " + free + " of " + frames + " pages free";
        String rule;
        if (free - (1 << order) < reserve) {
            rule = "an " + priority + " allocation must leave " + reserve + " pages (" + priority.reservePercent()
                    + " %) free";
        } else if (buddy.largestFreeOrder() < order) {
            rule = "the largest free block is of order " + buddy.largestFreeOrder() + " (fragmented)";
        } else {
            rule = "no rule refuses it now";
        }
        return new OutOfPagesException(1L << order, free, request + "; " + rule);
    }

    /**
     * Frees a run its owner holds: the frames go back to the buddy allocator and merge.
     * O(order); allocates nothing. A rejected free changes nothing.
     *
     * @param run   the run, as {@link #allocate} returned it (or an equal record)
     * @param owner the owner that holds it
     * @throws IllegalArgumentException  if the run is null, of another cluster or outside the bank,
     *                                   or the owner is negative
     * @throws DoubleFreeException       if the run's frames are all free now
     * @throws PageNotAllocatedException if the run is not an allocated run (a part of a larger run,
     *                                   the wrong order, or partly free)
     * @throws PageOwnershipException    if another owner holds the run
     */
    public void free(PageRun run, long owner) {
        checkInBank(run);
        free(run.firstFrame(), run.order(), owner);
    }

    /**
     * {@link #free(PageRun, long)} by first frame and order: the same checks and effects, and no
     * record. Allocates nothing unless it throws.
     *
     * @param firstFrame the run's first frame
     * @param order      the run's order
     * @param owner      the owner that holds it
     * @throws IllegalArgumentException  if the order is out of range, the run is not aligned or
     *                                   outside the bank, or the owner is negative
     * @throws DoubleFreeException       if the run's frames are all free now
     * @throws PageNotAllocatedException if the run is not an allocated run (a part of a larger run,
     *                                   the wrong order, or partly free)
     * @throws PageOwnershipException    if another owner holds the run
     */
    public void free(int firstFrame, int order, long owner) {
        checkOwner(owner);
        buddy.checkBlock(firstFrame, order);
        checkAllocated(firstFrame, order, "free");
        long holder = owners[firstFrame];
        if (holder != owner) {
            throw new PageOwnershipException("owner " + owner + " cannot free " + new PageRun(cluster, firstFrame, order)
                    + ": owner " + holder + " holds it (only the owner of a run frees it)");
        }
        release(firstFrame, order);
    }

    /**
     * @param run an allocated run of this bank
     * @return the owner that holds it
     * @throws IllegalArgumentException  if the run is null, of another cluster or outside the bank
     * @throws DoubleFreeException       if the run is free
     * @throws PageNotAllocatedException if the run is not an allocated run
     */
    public long ownerOf(PageRun run) {
        checkInBank(run);
        checkAllocated(run.firstFrame(), run.order(), "ownerOf");
        return owners[run.firstFrame()];
    }

    /**
     * @param run a run of this bank
     * @return whether exactly that run (first frame and order) is allocated now
     * @throws IllegalArgumentException if the run is null, of another cluster or outside the bank
     */
    public boolean isAllocated(PageRun run) {
        checkInBank(run);
        return buddy.isAllocated(run.firstFrame(), run.order());
    }

    /**
     * Frees every run an owner holds (a process exited). One walk over the bank's blocks, O(blocks).
     *
     * @param owner the owner, zero or more
     * @return the pages freed, zero or more
     * @throws IllegalArgumentException if the owner is negative
     */
    public int releaseOwner(long owner) {
        checkOwner(owner);
        int released = 0;
        int frame = 0;
        while (frame < frames) {
            int order = buddy.allocatedOrderAt(frame);
            if (order >= 0) {
                if (owners[frame] == owner) {
                    release(frame, order);
                    released += 1 << order;
                }
                frame += 1 << order;
            } else {
                // a free block, possibly merged just now with a run freed before it: skip to its end
                int start = buddy.freeBlockContaining(frame);
                frame = start + (1 << buddy.freeOrderAt(start));
            }
        }
        return released;
    }

    /**
     * Every allocated run, in frame order: for audits (no frame handed out twice, accounting at a
     * quiescent point) and for handing a bank's books to another member. One walk over the blocks;
     * allocates the list.
     *
     * @return the allocated runs, an unmodifiable list
     */
    public List<PageRun> allocatedRuns() {
        List<PageRun> runs = new ArrayList<>();
        int frame = 0;
        while (frame < frames) {
            int order = buddy.allocatedOrderAt(frame);
            if (order >= 0) {
                runs.add(new PageRun(cluster, frame, order));
                frame += 1 << order;
            } else {
                frame += 1 << buddy.freeOrderAt(frame);
            }
        }
        return Collections.unmodifiableList(runs);
    }

    /**
     * The memory of a run: a slice of the bank's segment, {@code run.pages() * pageSize()} bytes.
     * Thread-safe: reads only what never changes, so a client may call it while the owning member
     * serves; for the same reason it does not check that the run is allocated now.
     *
     * @param run a run of this bank
     * @return the run's memory, valid until {@link #close()}
     * @throws IllegalArgumentException if the run is null, of another cluster or outside the bank
     * @throws IllegalStateException    if the bank has no backing memory, or is closed
     */
    public MemorySegment segment(PageRun run) {
        checkInBank(run);
        if (memory == null) {
            throw new IllegalStateException("bank of " + cluster + " has no backing memory: segment(" + run
                    + ") needs a bank built with backed = true");
        }
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("bank of " + cluster + " is closed: its memory was freed, segment(" + run
                    + ") is no longer readable");
        }
        return slice(run.firstFrame(), run.order());
    }

    /** The bytes of a block of the bank's memory; the bank must be backed. */
    private MemorySegment slice(int first, int order) {
        return memory.asSlice((long) first * pageSize, (long) pageSize << order);
    }

    /**
     * Frees the backing memory, if any; segments handed out become unusable. Idempotent;
     * thread-safe. The allocator's accounting stays readable.
     */
    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) {
            try {
                arena.close();
            } catch (IllegalStateException alreadyClosed) {
                // a concurrent close won the race: the memory is freed either way
            }
        }
    }

    /** @return the cluster of this bank */
    public ClusterId cluster() {
        return cluster;
    }

    /** @return the page frames of the bank */
    public int totalPages() {
        return frames;
    }

    /** @return the free page frames, 0 to {@link #totalPages()} */
    public int freePages() {
        return buddy.freeFrames();
    }

    /** @return the allocated page frames: {@code totalPages() - freePages()} always */
    public int allocatedPages() {
        return allocatedPages;
    }

    /**
     * @param order an order, 0 to {@value PageRun#MAX_ORDER}
     * @return the free blocks of exactly that order
     * @throws IllegalArgumentException if the order is out of range
     */
    public int freeBlocks(int order) {
        return buddy.freeBlocks(order);
    }

    /** @return the largest order with a free block, or -1 if nothing is free */
    public int largestFreeOrder() {
        return buddy.largestFreeOrder();
    }

    /**
     * @param priority a priority
     * @return the free pages an allocation of that priority must leave
     * @throws IllegalArgumentException if the priority is null
     */
    public int reserve(AllocationPriority priority) {
        if (priority == null) {
            throw new IllegalArgumentException("allocation priority is null: ORDINARY or PRIORITY");
        }
        return priority == AllocationPriority.ORDINARY ? ordinaryReserve : priorityReserve;
    }

    /** @return the page size in bytes */
    public int pageSize() {
        return pageSize;
    }

    /** @return whether the bank has backing memory (closed or not) */
    public boolean isBacked() {
        return memory != null;
    }

    /** @return for example {@code PageBank[cluster2, 12000 of 16384 free, backed]} */
    @Override
    public String toString() {
        return "PageBank[" + cluster + ", " + buddy.freeFrames() + " of " + frames + " free" + (memory != null ? ", backed]" : "]");
    }

    private void release(int first, int order) {
        allocatedPages -= 1 << order;
        buddy.release(first, order);
    }

    private void checkAllocated(int first, int order, String operation) {
        switch (buddy.status(first, order)) {
            case ALLOCATED -> {
            }
            case FREE -> throw new DoubleFreeException(("free".equals(operation) ? "double free of " : operation + " of ")
                    + new PageRun(cluster, first, order) + ": its frames are free already (a run is freed once per allocation)");
            default -> throw new PageNotAllocatedException(operation + " of " + new PageRun(cluster, first, order)
                    + ": not an allocated run, " + buddy.explain(first, order) + " (give back the run that allocate returned)");
        }
    }

    private void checkInBank(PageRun run) {
        if (run == null) {
            throw new IllegalArgumentException("page run is null");
        }
        if (!run.cluster().equals(cluster)) {
            throw new IllegalArgumentException(run + " is not in the bank of " + cluster
                    + ": a run is given back to its own cluster's bank");
        }
        if (run.endFrame() > frames) {
            throw new IllegalArgumentException(run + " is outside the bank of " + cluster + " (" + frames
                    + " frames, 0.." + (frames - 1) + ")");
        }
    }

    private static void checkOwner(long owner) {
        if (owner < 0) {
            throw new IllegalArgumentException("owner " + owner + " is negative: owners are process ids, 0 for the kernel");
        }
    }
}
