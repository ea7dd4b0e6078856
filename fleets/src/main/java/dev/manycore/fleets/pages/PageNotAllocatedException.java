package dev.manycore.fleets.pages;

/**
 * A run given back (or asked about) is not an allocated run: its first frame and order do not match
 * a run handed out, for example a part of a bigger run, the right frame with the wrong order, or a
 * range that is partly free. The message names the run and what its frames are now.
 */
public class PageNotAllocatedException extends PageAllocatorException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the run and the rule
     */
    public PageNotAllocatedException(String message) {
        super(message);
    }
}
