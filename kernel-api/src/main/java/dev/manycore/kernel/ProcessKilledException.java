package dev.manycore.kernel;

/**
 * Thrown at a safe point (any syscall) of a thread whose process was killed or is exiting, so user
 * code unwinds; the process then ends with its exit code ({@link dev.manycore.fleets.processes.ExitStatus#KILLED}
 * when killed). The message names the process.
 */
public final class ProcessKilledException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message names the process and why it stops */
    public ProcessKilledException(String message) {
        super(message);
    }
}
