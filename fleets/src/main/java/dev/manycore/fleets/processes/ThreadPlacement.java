package dev.manycore.fleets.processes;

import dev.manycore.numa.CoreId;

/**
 * A thread the process manager admitted: its id in the process and the core the DQDT chose near
 * its parent (already charged there).
 *
 * @param tid  the thread's id, unique in its process (the main thread is 0)
 * @param core its core
 */
public record ThreadPlacement(int tid, CoreId core) {
}
