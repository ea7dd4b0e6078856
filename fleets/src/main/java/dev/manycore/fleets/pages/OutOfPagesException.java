package dev.manycore.fleets.pages;

/**
 * An allocation found no memory it may use: no free block large enough, or only the reserve below
 * the request's watermark ({@link AllocationPriority}). The message names the requested size and
 * what is free. Never a hang: an allocator throws this instead of waiting.
 */
public class OutOfPagesException extends PageAllocatorException {

    private static final long serialVersionUID = 1L;

    private final long requestedPages;
    private final long freePages;

    /**
     * @param requestedPages the frames asked for
     * @param freePages      the frames free where the allocator looked
     * @param message        names the requested size, what is free and the rule that refused
     */
    public OutOfPagesException(long requestedPages, long freePages, String message) {
        super(message);
        this.requestedPages = requestedPages;
        this.freePages = freePages;
    }

    /** @return the frames asked for */
    public long requestedPages() {
        return requestedPages;
    }

    /** @return the frames that were free where the allocator looked */
    public long freePages() {
        return freePages;
    }
}
