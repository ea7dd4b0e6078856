package dev.manycore.kernel.internal;

/**
 * Unwinds a user thread that called {@code exit}: the process is marked exiting first, so even
 * user code that catches this stops at its next safe point.
 */
final class ProcessExit extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ProcessExit(long pid, int code) {
        super("process " + pid + " exits with code " + code, null, false, false);
    }
}
