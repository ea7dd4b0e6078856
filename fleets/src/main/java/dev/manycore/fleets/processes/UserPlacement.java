package dev.manycore.fleets.processes;

/**
 * How the process manager chooses the core of a new process or thread among the user cores.
 */
public enum UserPlacement {

    /**
     * The DQDT's decisions (ALMOS): processes spread from the tree's root, threads on the least
     * loaded core nearest to their parent. The default.
     */
    DQDT,

    /**
     * A locality-blind baseline: every process and thread takes the next user core of a global
     * round robin over the user cores in a scattered, deterministic order (consecutive choices land
     * far apart on the chip), wherever the parent runs. The DQDT's counts are still kept, so reports stay
     * comparable.
     */
    ROUND_ROBIN
}
