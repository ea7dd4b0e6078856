package dev.manycore.kernel;

/**
 * Every counter the kernel keeps about processes, read at one moment (exact when no process is
 * being spawned or ending): what a test compares before and after a workload to prove that
 * everything was given back.
 *
 * @param processesAlive  processes alive in the kernel
 * @param managedProcesses processes the process manager fleet keeps records of
 * @param managedThreads  threads of those records (main threads included)
 * @param freePids        PIDs free in the process manager's dPool (partitions only)
 * @param pidsInTransit   PIDs moving between the pool's partitions
 * @param openMailboxes   open process mailboxes, machine-wide
 * @param mailboxForwards forwarding entries left by migrated mailboxes
 * @param names           names registered in the name service (its nearest replica's table)
 * @param dqdtThreads     threads the DQDT counts on all cores (fleet members included)
 * @param pagesHeld       pages held by owners in the page allocator (client caches not counted)
 */
public record KernelCensus(int processesAlive, int managedProcesses, int managedThreads, int freePids,
                           int pidsInTransit, int openMailboxes, int mailboxForwards, int names, long dqdtThreads,
                           long pagesHeld) {
}
