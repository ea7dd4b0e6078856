package dev.manycore.fleets.pages;

/**
 * A run given back by an owner (a process id; 0 is the kernel) that does not hold it: another owner
 * does. The message names the run, the owner that tried and the owner that holds it.
 */
public class PageOwnershipException extends PageAllocatorException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the run, both owners and the rule
     */
    public PageOwnershipException(String message) {
        super(message);
    }
}
