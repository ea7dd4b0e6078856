package dev.manycore.kernel.internal;

import dev.manycore.fleets.Fleet;
import dev.manycore.fleets.pages.PageAllocator;
import dev.manycore.fleets.pages.PageRun;
import dev.manycore.numa.CoreId;

import java.util.List;

/**
 * The kernel's pages through the page allocator fleet: each call is made with the client of the
 * requesting core (its cache, its nearest member). Thread-safe.
 *
 * @param allocator the running allocator
 */
public record AllocatorPages(PageAllocator allocator) implements PageService {

    @Override
    public List<PageRun> allocate(CoreId core, int count, long owner) {
        return allocator.client(core).allocatePages(count, owner);
    }

    @Override
    public void free(CoreId core, PageRun run, long owner) {
        allocator.client(core).free(run, owner);
    }

    @Override
    public int releaseOwner(CoreId core, long owner) {
        return allocator.client(core).releaseOwner(owner);
    }

    @Override
    public long allocatedPages() {
        return allocator.accounting().heldPages();
    }

    @Override
    public long totalPages() {
        return allocator.accounting().totalPages();
    }

    @Override
    public List<CoreId> memberCores() {
        return allocator.memberCores();
    }

    @Override
    public Fleet fleet() {
        return allocator.fleet();
    }

    @Override
    public void close() {
        allocator.close();
    }
}
