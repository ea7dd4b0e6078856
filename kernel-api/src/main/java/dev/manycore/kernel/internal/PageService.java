package dev.manycore.kernel.internal;

import dev.manycore.fleets.Fleet;
import dev.manycore.fleets.pages.PageRun;
import dev.manycore.numa.CoreId;

import java.util.List;

/**
 * What the kernel uses of the page allocator fleet: blocking calls from a core, and accounting.
 * Thread-safe.
 */
public interface PageService {

    /**
     * @param core  the requesting core
     * @param count pages, 1 or more
     * @param owner the owning PID
     * @return the runs, all or nothing
     */
    List<PageRun> allocate(CoreId core, int count, long owner);

    /**
     * @param core  the requesting core
     * @param run   a run the owner holds
     * @param owner the owning PID
     */
    void free(CoreId core, PageRun run, long owner);

    /**
     * @param core  the requesting core
     * @param owner a PID
     * @return the pages freed (every run of the owner, in every member)
     */
    int releaseOwner(CoreId core, long owner);

    /** @return pages held by owners now (client caches and pools not counted) */
    long allocatedPages();

    /** @return pages of every bank */
    long totalPages();

    /** @return the cores of the allocator's members */
    List<CoreId> memberCores();

    /** @return the allocator's fleet */
    Fleet fleet();

    /** Stops the allocator's own resources (backing memory); the engine stops its members. */
    void close();
}
