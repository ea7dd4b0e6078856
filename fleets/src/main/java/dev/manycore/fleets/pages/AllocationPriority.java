package dev.manycore.fleets.pages;

/**
 * How deep into a bank's reserve an allocation may go: the watermarks of the ALMOS physical page
 * manager (ppm), as fractions of the bank's total frames. An allocation succeeds only if the bank
 * still holds at least {@link #reservedPages(int)} free frames after it.
 *
 * <p>Immutable and thread-safe.
 */
public enum AllocationPriority {

    /** User allocations: refused when they would leave less than 15 % of the bank free. */
    ORDINARY(15),

    /** Priority (kernel) allocations: may use the reserve down to 5 % of the bank free. */
    PRIORITY(5);

    private final int reservePercent;

    AllocationPriority(int reservePercent) {
        this.reservePercent = reservePercent;
    }

    /** @return the share of the bank kept free for this priority, in percent (15 or 5) */
    public int reservePercent() {
        return reservePercent;
    }

    /**
     * The frames an allocation of this priority must leave free: {@code floor(total * percent / 100)},
     * the same rounding as the DQDT's memory watermark.
     *
     * @param totalPages the frames of the bank, zero or more
     * @return the reserve, zero or more
     * @throws IllegalArgumentException if {@code totalPages} is negative
     */
    public int reservedPages(int totalPages) {
        if (totalPages < 0) {
            throw new IllegalArgumentException("bank size " + totalPages + " is negative: a bank holds zero or more frames");
        }
        return (int) ((long) totalPages * reservePercent / 100);
    }
}
