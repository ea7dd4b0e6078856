package dev.manycore.fleets.processes;

/**
 * The process manager fleet's counters, summed over its members at one moment (exact when no
 * process is being spawned or reaped).
 *
 * @param processes live processes
 * @param threads   live threads of those processes (main threads included)
 * @param freePids  PIDs free in the members' partitions of the pool
 * @param pidsInTransit PIDs sent between members and not yet settled
 * @param spawned   processes spawned since boot
 * @param exited    processes reaped since boot
 */
public record ProcessCensus(int processes, int threads, int freePids, int pidsInTransit, long spawned, long exited) {
}
