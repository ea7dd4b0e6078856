package dev.manycore.fleets.processes;

/** A request named a PID that the member does not manage (never spawned there, or exited). */
public final class NoSuchProcessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message names the PID and the member */
    public NoSuchProcessException(String message) {
        super(message);
    }
}
