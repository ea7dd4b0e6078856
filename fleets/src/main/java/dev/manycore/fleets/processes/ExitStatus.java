package dev.manycore.fleets.processes;

/**
 * How a process ended, or that it had not ended when a wait gave up (fos report 4.7.5: the process
 * manager answers waiters at exit).
 *
 * @param pid    the process
 * @param exited true if it ended; false if the wait timed out first
 * @param code   its exit code (meaningful only when it ended)
 * @param killed true if it ended because it was killed
 */
public record ExitStatus(long pid, boolean exited, int code, boolean killed) {

    /** The exit code of a killed process (128 + SIGKILL, as shells report it). */
    public static final int KILLED = 137;

    /**
     * @param pid the process
     * @return the answer to a wait that timed out
     */
    public static ExitStatus running(long pid) {
        return new ExitStatus(pid, false, 0, false);
    }
}
