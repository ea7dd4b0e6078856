package dev.manycore.fleets;

/**
 * A timer set with {@link ServerContext#schedule} or {@link ServerContext#every}. Confined to the
 * server's thread.
 */
public interface ScheduledTimer {

    /**
     * Cancels the timer: its action will not run again.
     *
     * @return true if it was pending (a one-shot timer that had not fired, or a periodic one)
     */
    boolean cancel();

    /** @return true until the timer has fired (one-shot) or has been cancelled */
    boolean isPending();
}
