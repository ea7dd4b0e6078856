package dev.manycore.kernel;

import dev.manycore.fleets.pages.PagePolicy;
import dev.manycore.fleets.pool.DPoolScheme;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel runs on the page allocator's dPool policy too, and gives every page back. */
class PagePolicyKernelTest {

    @Test
    void dpoolPagePolicyServesProcessesAndGetsEveryPageBack() throws Exception {
        try (Kernel kernel = KernelBuilder.create().topology(Topology.tsar(2, 2))
                .pagePolicy(PagePolicy.dpool(DPoolScheme.PUSH_WITH_ESTIMATION)).start()) {
            KernelCensus before = kernel.census();
            List<UserProcess> ps = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                ps.add(kernel.spawn(ProcessSpec.of("dpool-" + i, ctx -> {
                    Pages single = ctx.syscalls().allocPages(1);
                    Pages more = ctx.syscalls().allocPages(3 + n);
                    assertEquals(1, single.count());
                    assertEquals(3 + n, more.count());
                    ctx.syscalls().freePages(single);
                }).withInitialPages(2)));
            }
            for (UserProcess p : ps) {
                assertEquals(0, p.waitFor(Duration.ofSeconds(60)));
            }
            KernelCensus after = kernel.census();
            assertEquals(before.pagesHeld(), after.pagesHeld(), "every page went back");
            assertTrue(kernel.report().pagesTaken() >= 8 * 6);
        }
    }
}
