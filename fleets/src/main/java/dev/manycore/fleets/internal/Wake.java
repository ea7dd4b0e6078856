package dev.manycore.fleets.internal;

/** Sent by a user thread to a client gateway so that its (possibly parked) worker runs it. */
public enum Wake {
    /** The only instance. */
    INSTANCE
}
