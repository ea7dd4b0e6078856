package dev.manycore.fleets.processes;

import dev.manycore.numa.CoreId;

/**
 * A spawned process and the core the DQDT chose for its main thread (already charged there).
 *
 * @param process the process
 * @param core    its main thread's core
 */
public record ProcessPlacement(ProcessRef process, CoreId core) {
}
