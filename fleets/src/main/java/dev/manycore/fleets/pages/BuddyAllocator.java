package dev.manycore.fleets.pages;

import java.util.Arrays;

/**
 * A binary buddy allocator over the frames {@code 0 .. frames-1} of one memory bank, orders 0 to
 * {@value #MAX_ORDER}.
 *
 * <p>Design (the buddy system of Knowlton 1965 as given by Knuth, TAOCP vol. 1, 2.5, algorithms R
 * and S; the per-cluster allocator of the ALMOS physical page manager, {@code kernel/mm/ppm.c}):
 * a block of order {@code k} holds {@code 2^k} frames and starts at a multiple of {@code 2^k}; its
 * buddy starts at {@code first XOR 2^k}. Allocation takes a block from the smallest non-empty free
 * list of order at least {@code k} and splits it, handing the upper halves to the lower lists;
 * freeing merges a block with its buddy for as long as the buddy is a whole free block of the same
 * order. Both are O(order) steps, each O(1).
 *
 * <p>The bank may hold any positive number of frames, not only a power of two: at the start the
 * frames are carved greedily by alignment (as many blocks of order {@value #MAX_ORDER} as fit,
 * then the binary remainder), and a buddy that would reach past the last frame is never free, so
 * blocks never leave the bank. The state after a full free is always that first carving, which is
 * also the DQDT's default "all memory free" state.
 *
 * <p>State lives in primitive arrays indexed by frame, so an operation allocates nothing:
 * <pre>
 *   freeOrder[f]   order of the free block that starts at f, or -1
 *   allocOrder[f]  order of the allocated block that starts at f, or -1
 *   next[f]/prev[f] doubly linked free list of that order (valid where freeOrder[f] >= 0)
 *   head[k]        first block of the free list of order k, or -1; blocks[k] its length
 * </pre>
 * The lists are LIFO, so the block freed last is handed out first (it is likely still in cache).
 *
 * <p><b>Not thread-safe</b>: one thread owns an allocator (a fleet member, or a caller holding a lock).
 */
public final class BuddyAllocator {

    /** The largest order: {@value}, the same as {@link PageRun#MAX_ORDER}. */
    public static final int MAX_ORDER = PageRun.MAX_ORDER;

    private static final int NONE = -1;

    /**
     * Told of every change to the count of free blocks of one order: {@code -1} when a block leaves
     * a free list, {@code +1} when one joins it. Called after the change. <b>Must not throw.</b>
     */
    @FunctionalInterface
    public interface BlockListener {

        /**
         * @param order the order whose free list changed
         * @param delta +1 or -1
         */
        void freeBlocksChanged(int order, int delta);
    }

    private final int frames;
    private final byte[] freeOrder;
    private final byte[] allocOrder;
    private final int[] next;
    private final int[] prev;
    private final int[] head = new int[MAX_ORDER + 1];
    private final int[] blocks = new int[MAX_ORDER + 1];
    private int freeFrames;
    private BlockListener listener;

    /**
     * An allocator with every frame free, carved into aligned blocks.
     *
     * @param frames the number of frames, 1 or more (any number, not only a power of two)
     * @throws IllegalArgumentException if {@code frames} is zero or negative
     */
    public BuddyAllocator(int frames) {
        if (frames <= 0) {
            throw new IllegalArgumentException("bank of " + frames + " frames: a buddy allocator needs at least 1 frame");
        }
        this.frames = frames;
        this.freeOrder = new byte[frames];
        this.allocOrder = new byte[frames];
        this.next = new int[frames];
        this.prev = new int[frames];
        Arrays.fill(freeOrder, (byte) NONE);
        Arrays.fill(allocOrder, (byte) NONE);
        Arrays.fill(head, NONE);
        // Carve greedily by alignment from frame 0 up; push the blocks in reverse so that the
        // lowest block of each order sits at the head of its list and is handed out first.
        int[] starts = new int[(frames >>> MAX_ORDER) + Integer.bitCount(frames & ((1 << MAX_ORDER) - 1))];
        int n = 0;
        for (int cursor = 0; cursor < frames; cursor += 1 << largestOrderAt(cursor)) {
            starts[n++] = cursor;
        }
        for (int i = n - 1; i >= 0; i--) {
            push(starts[i], largestOrderAt(starts[i]));
        }
        freeFrames = frames;
    }

    /** The largest order of an aligned block that starts at {@code frame} and fits in the bank. */
    private int largestOrderAt(int frame) {
        int k = frame == 0 ? MAX_ORDER : Math.min(MAX_ORDER, Integer.numberOfTrailingZeros(frame));
        while ((long) frame + (1L << k) > frames) {
            k--;
        }
        return k;
    }

    /**
     * Sets the listener told of every free-list change, or none. Not replayed: the listener sees
     * changes from now on ({@link #freeBlocks(int)} gives the current counts).
     *
     * @param listener the listener, or null for none
     */
    public void listener(BlockListener listener) {
        this.listener = listener;
    }

    /**
     * Allocates an aligned block of {@code 2^order} frames, splitting a larger block when no block
     * of that order is free. O(order); allocates nothing.
     *
     * @param order the order, 0 to {@value #MAX_ORDER}
     * @return the first frame of the block, or -1 if no free block of that order or larger exists
     * @throws IllegalArgumentException if the order is out of range
     */
    public int allocate(int order) {
        PageRun.checkOrder(order);
        int k = order;
        while (k <= MAX_ORDER && head[k] == NONE) {
            k++;
        }
        if (k > MAX_ORDER) {
            return -1;
        }
        int block = head[k];
        unlink(block, k);
        while (k > order) {
            k--;
            push(block + (1 << k), k);
        }
        allocOrder[block] = (byte) order;
        freeFrames -= 1 << order;
        return block;
    }

    /**
     * Frees an allocated block and merges it with its free buddies. O(order); allocates nothing.
     * A rejected free changes nothing.
     *
     * @param firstFrame the block's first frame, as {@link #allocate} returned it
     * @param order      the order it was allocated with
     * @throws IllegalArgumentException   if the order is out of range, or the block is not aligned
     *                                    or not inside the bank
     * @throws DoubleFreeException        if every frame of the block is free now
     * @throws PageNotAllocatedException  if the block is not an allocated block (part of a larger
     *                                    one, the wrong order, or partly free)
     */
    public void free(int firstFrame, int order) {
        checkBlock(firstFrame, order);
        switch (status(firstFrame, order)) {
            case ALLOCATED -> release(firstFrame, order);
            case FREE -> {
                int start = freeBlockContaining(firstFrame);
                throw new DoubleFreeException("double free of frames " + describe(firstFrame, order)
                        + ": they are free already, in the free block " + describe(start, freeOrder[start])
                        + " (a block is freed once per allocation)");
            }
            default -> throw new PageNotAllocatedException("frames " + describe(firstFrame, order)
                    + " are not an allocated block: " + explain(firstFrame, order)
                    + " (free takes the first frame and order that allocate gave)");
        }
    }

    /** What a block is now, for {@link #free} and {@link PageBank}. */
    enum Status { ALLOCATED, FREE, NOT_ALLOCATED }

    /** @return the status of an aligned, in-bank block */
    Status status(int firstFrame, int order) {
        if (allocOrder[firstFrame] == order) {
            return Status.ALLOCATED;
        }
        int start = freeBlockContaining(firstFrame);
        // a free block that holds the first frame holds the whole aligned block if its order is at least as big
        if (start != NONE && freeOrder[start] >= order) {
            return Status.FREE;
        }
        return Status.NOT_ALLOCATED;
    }

    /** Frees a block known to be allocated: merge with free buddies, then push. */
    void release(int firstFrame, int order) {
        allocOrder[firstFrame] = (byte) NONE;
        freeFrames += 1 << order;
        int block = firstFrame;
        int k = order;
        while (k < MAX_ORDER) {
            int buddy = block ^ (1 << k);
            if (buddy >= frames || freeOrder[buddy] != k) {
                break;
            }
            unlink(buddy, k);
            block = Math.min(block, buddy);
            k++;
        }
        push(block, k);
    }

    /** Why a block is not allocated: the allocated or free block that holds its first frame. */
    String explain(int firstFrame, int order) {
        int free = freeBlockContaining(firstFrame);
        if (free != NONE) {
            return "frame " + firstFrame + " is in the free block " + describe(free, freeOrder[free])
                    + ", smaller than the block, so it is partly free";
        }
        int held = allocatedBlockContaining(firstFrame);
        if (held == firstFrame) {
            return "frame " + firstFrame + " starts an allocated block of order " + allocOrder[held] + ", not " + order;
        }
        if (held != NONE) {
            return "frame " + firstFrame + " is inside the allocated block " + describe(held, allocOrder[held]);
        }
        return "frame " + firstFrame + " is in no block";
    }

    /**
     * @param frame a frame of the bank
     * @return the first frame of the free block that holds it, or -1 if it is not free
     */
    int freeBlockContaining(int frame) {
        for (int k = 0; k <= MAX_ORDER; k++) {
            int start = frame & -(1 << k);
            if (freeOrder[start] == k) {
                return start;
            }
        }
        return NONE;
    }

    /**
     * @param frame a frame of the bank
     * @return the first frame of the allocated block that holds it, or -1 if it is free
     */
    int allocatedBlockContaining(int frame) {
        for (int k = 0; k <= MAX_ORDER; k++) {
            int start = frame & -(1 << k);
            if (allocOrder[start] >= k) {
                return start;
            }
        }
        return NONE;
    }

    /** @return the order of the allocated block starting at {@code frame}, or -1 */
    int allocatedOrderAt(int frame) {
        return allocOrder[frame];
    }

    /** @return the order of the free block starting at {@code frame}, or -1 */
    int freeOrderAt(int frame) {
        return freeOrder[frame];
    }

    /**
     * Checks that a block is aligned and inside the bank.
     *
     * @throws IllegalArgumentException if not
     */
    void checkBlock(int firstFrame, int order) {
        PageRun.checkOrder(order);
        if (firstFrame < 0 || (long) firstFrame + (1L << order) > frames) {
            throw new IllegalArgumentException("frames " + describe(firstFrame, order) + " are outside the bank of "
                    + frames + " frames (0.." + (frames - 1) + ")");
        }
        if ((firstFrame & ((1 << order) - 1)) != 0) {
            throw new IllegalArgumentException("frame " + firstFrame + " is not aligned for order " + order
                    + ": a block of 2^" + order + " frames starts at a multiple of " + (1 << order));
        }
    }

    /**
     * @param firstFrame a first frame, aligned and inside the bank
     * @param order      an order, 0 to {@value #MAX_ORDER}
     * @return whether exactly that block is allocated now (not a part of a larger block, not a
     *         different order)
     * @throws IllegalArgumentException if the order is out of range or the block is not aligned or
     *                                  not inside the bank
     */
    public boolean isAllocated(int firstFrame, int order) {
        checkBlock(firstFrame, order);
        return allocOrder[firstFrame] == order;
    }

    /** @return the free frames, 0 to {@link #totalFrames()} */
    public int freeFrames() {
        return freeFrames;
    }

    /** @return the frames of the bank, as constructed */
    public int totalFrames() {
        return frames;
    }

    /**
     * @param order an order, 0 to {@value #MAX_ORDER}
     * @return the number of free blocks of exactly that order
     * @throws IllegalArgumentException if the order is out of range
     */
    public int freeBlocks(int order) {
        return blocks[PageRun.checkOrder(order)];
    }

    /** @return the largest order with a free block, or -1 if every frame is allocated */
    public int largestFreeOrder() {
        for (int k = MAX_ORDER; k >= 0; k--) {
            if (head[k] != NONE) {
                return k;
            }
        }
        return NONE;
    }

    private void push(int block, int k) {
        int first = head[k];
        next[block] = first;
        prev[block] = NONE;
        if (first != NONE) {
            prev[first] = block;
        }
        head[k] = block;
        freeOrder[block] = (byte) k;
        blocks[k]++;
        BlockListener l = listener;
        if (l != null) {
            l.freeBlocksChanged(k, 1);
        }
    }

    private void unlink(int block, int k) {
        int n = next[block];
        int p = prev[block];
        if (p == NONE) {
            head[k] = n;
        } else {
            next[p] = n;
        }
        if (n != NONE) {
            prev[n] = p;
        }
        freeOrder[block] = (byte) NONE;
        blocks[k]--;
        BlockListener l = listener;
        if (l != null) {
            l.freeBlocksChanged(k, -1);
        }
    }

    private static String describe(int firstFrame, int order) {
        return firstFrame + ".." + ((long) firstFrame + (1L << order) - 1) + " (order " + order + ")";
    }

    /** @return for example {@code BuddyAllocator[1000 frames, 200 free]} */
    @Override
    public String toString() {
        return "BuddyAllocator[" + frames + " frames, " + freeFrames + " free]";
    }
}
