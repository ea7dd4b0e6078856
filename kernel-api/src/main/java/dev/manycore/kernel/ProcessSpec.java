package dev.manycore.kernel;

import dev.manycore.numa.ClusterId;

import java.util.Objects;

/**
 * What to spawn: a program, its name, the pages it starts with and, optionally, a cluster to place
 * it near. Immutable; the {@code with...} methods return copies.
 *
 * @param name         the program's name, not blank (shown in statistics and thread names)
 * @param program      the main function
 * @param initialPages pages taken for the process at spawn, near its core, owned by its PID (0 or more)
 * @param near         a cluster to place the process near, or null to let the DQDT spread processes from its root
 */
public record ProcessSpec(String name, Program program, int initialPages, ClusterId near) {

    /**
     * @throws IllegalArgumentException if the name is blank or the page count negative
     * @throws NullPointerException     if the name or program is null
     */
    public ProcessSpec {
        Objects.requireNonNull(name, "process name is null");
        Objects.requireNonNull(program, "program is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("process name is blank: name the program");
        }
        if (initialPages < 0) {
            throw new IllegalArgumentException("initialPages = " + initialPages + " must be 0 or more");
        }
    }

    /**
     * @param name    the program's name, not blank
     * @param program the main function
     * @return a spec with no initial pages, placed by the DQDT from its root
     */
    public static ProcessSpec of(String name, Program program) {
        return new ProcessSpec(name, program, 0, null);
    }

    /**
     * @param pages pages to take at spawn, 0 or more
     * @return a copy with that many initial pages
     */
    public ProcessSpec withInitialPages(int pages) {
        return new ProcessSpec(name, program, pages, near);
    }

    /**
     * @param cluster the cluster to place the process near (nearest least-loaded user core)
     * @return a copy placed near that cluster
     */
    public ProcessSpec near(ClusterId cluster) {
        return new ProcessSpec(name, program, initialPages, Objects.requireNonNull(cluster, "cluster is null"));
    }
}
