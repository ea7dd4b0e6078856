package dev.manycore.fleets.pages;

/**
 * How the page allocator fleet chooses frames (the design choice of ARCHITECTURE.md, "Page
 * allocator"): locality first as ALMOS does, or the fos dPool of pages. Both run on the same
 * machine, so the trade-off between throughput and locality can be measured.
 *
 * <p>Immutable and thread-safe.
 */
public final class PagePolicy {

    private static final PagePolicy LOCALITY = new PagePolicy();

    private PagePolicy() {
    }

    /**
     * The ALMOS policy (the default): allocate in the requester's cluster; when that bank is below
     * its watermark, the nearest cluster with enough free memory, found with the DQDT, through the
     * member that serves it (fos: routing by resource affinity).
     *
     * @return the locality policy
     */
    public static PagePolicy locality() {
        return LOCALITY;
    }

    /** @return true for the locality policy */
    public boolean isLocality() {
        return this == LOCALITY;
    }

    @Override
    public String toString() {
        return "locality";
    }
}
