package dev.manycore.fleets.processes;

/** Spawn found no free PID in the fleet's pool: too many processes are alive. The message names the limit. */
public final class OutOfPidsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message names the pool's size */
    public OutOfPidsException(String message) {
        super(message);
    }
}
