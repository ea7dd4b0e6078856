package dev.manycore.fleets.pages;

/**
 * A run given back is free already: every one of its frames is in a free block now. The message
 * names the run and the free block that holds it.
 */
public class DoubleFreeException extends PageAllocatorException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the run and the rule
     */
    public DoubleFreeException(String message) {
        super(message);
    }
}
