package dev.manycore.fleets.processes;

import dev.manycore.messaging.Address;

import java.util.Objects;

/**
 * A live process as the process manager fleet knows it: its PID and the member that manages it
 * (requests about the process go there). Immutable.
 *
 * @param pid         the process id, from the fleet's PID pool (reused after the process ends)
 * @param manager     the member that spawned it and keeps its record
 * @param incarnation which use of the PID this is (unique per member), so that a stale reference
 *                    never reaches a later process with the same PID
 */
public record ProcessRef(long pid, Address manager, long incarnation) {

    /** Validates. */
    public ProcessRef {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid " + pid + " must be positive");
        }
        Objects.requireNonNull(manager, "manager is null");
    }
}
