package dev.manycore.fleets.pages;

import dev.manycore.numa.ClusterId;

/**
 * A run of {@code 2^order} contiguous page frames in the memory bank of one cluster: the unit the
 * buddy allocator hands out and takes back (ALMOS ppm, fos report 4.7.2).
 *
 * <p>A run is a plain value: it says nothing about whether its frames are allocated now. The first
 * frame is aligned to the run's size, as every buddy block is, so a run of order {@code k} always
 * starts at a multiple of {@code 2^k}. Whether the run lies inside its bank is checked by the bank
 * ({@link PageBank}), which knows the bank's size. Immutable and thread-safe.
 *
 * @param cluster    the cluster whose bank holds the frames
 * @param firstFrame the index of the first frame in that bank, zero or more, a multiple of {@code 2^order}
 * @param order      the buddy order, 0 to {@value #MAX_ORDER}: the run holds {@code 2^order} frames
 */
public record PageRun(ClusterId cluster, int firstFrame, int order) {

    /** The largest buddy order: runs of up to {@code 2^10} = 1024 frames, 4 MiB of 4 KiB pages (ALMOS ppm stops at order 9, 2 MiB). */
    public static final int MAX_ORDER = 10;

    /**
     * @throws IllegalArgumentException if the cluster is null, the first frame is negative, the
     *                                  order is outside 0 to {@value #MAX_ORDER}, or the first
     *                                  frame is not a multiple of {@code 2^order}
     */
    public PageRun {
        if (cluster == null) {
            throw new IllegalArgumentException("page run cluster is null: a run lives in one cluster's bank");
        }
        checkOrder(order);
        if (firstFrame < 0) {
            throw new IllegalArgumentException("page run first frame " + firstFrame + " is negative: frames start at 0");
        }
        if ((firstFrame & ((1 << order) - 1)) != 0) {
            throw new IllegalArgumentException("page run first frame " + firstFrame + " of order " + order
                    + " is not aligned: a run of 2^" + order + " frames starts at a multiple of " + (1 << order));
        }
    }

    /** @return the number of frames in the run, {@code 2^order} */
    public int pages() {
        return 1 << order;
    }

    /** @return the index one past the last frame of the run, {@code firstFrame + 2^order} (as a long: it may pass {@code Integer.MAX_VALUE}) */
    public long endFrame() {
        return (long) firstFrame + (1L << order);
    }

    /**
     * @param frame a frame index of the same bank
     * @return whether the frame lies in this run
     */
    public boolean contains(int frame) {
        return frame >= firstFrame && frame < endFrame();
    }

    /**
     * Checks a buddy order.
     *
     * @param order the order to check
     * @return the order
     * @throws IllegalArgumentException if it is outside 0 to {@value #MAX_ORDER}
     */
    public static int checkOrder(int order) {
        if (order < 0 || order > MAX_ORDER) {
            throw new IllegalArgumentException("order " + order + " is out of range: a buddy order is 0 to " + MAX_ORDER);
        }
        return order;
    }

    /** @return for example {@code cluster3 frames 8..15 (order 3)} */
    @Override
    public String toString() {
        return cluster + " frames " + firstFrame + ".." + (endFrame() - 1) + " (order " + order + ")";
    }
}
