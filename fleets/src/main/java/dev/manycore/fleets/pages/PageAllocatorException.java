package dev.manycore.fleets.pages;

/**
 * The root of the page allocator's errors: each subclass names the run (or the request) and the
 * rule it broke. When one is thrown, the allocator's accounting is unchanged.
 */
public class PageAllocatorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the run or request and the rule broken
     */
    public PageAllocatorException(String message) {
        super(message);
    }
}
