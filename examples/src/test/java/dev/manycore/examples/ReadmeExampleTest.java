package dev.manycore.examples;

import dev.manycore.kernel.Engines;
import dev.manycore.kernel.Kernel;
import dev.manycore.kernel.KernelBuilder;
import dev.manycore.kernel.KernelReport;
import dev.manycore.kernel.Pages;
import dev.manycore.kernel.ProcessSpec;
import dev.manycore.kernel.UserProcess;
import dev.manycore.kernel.UserThread;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's kernel embedding example, as written there, so that the README stays true. */
class ReadmeExampleTest {

    @Test
    void readmeKernelExampleRunsAndFreesItsPages() throws Exception {
        try (Kernel kernel = KernelBuilder.create().topology(Topology.tsar()).start()) {
            UserProcess p = kernel.spawn(ProcessSpec.of("hello", ctx -> {
                Pages pages = ctx.syscalls().allocPages(16);
                UserThread t = ctx.startThread(() -> {
                    Pages mine = ctx.syscalls().allocPages(4);
                    ctx.syscalls().freePages(mine);
                });
                t.join();
                ctx.syscalls().freePages(pages);
            }));
            int code = p.waitFor(Duration.ofSeconds(10));
            KernelReport report = kernel.report();

            assertEquals(0, code);
            assertEquals(0, report.processesAlive());
            assertEquals(0, report.pagesAllocated());
            assertEquals(20, report.pagesTaken());
            assertTrue(report.text().contains("kernel report: tsar 16x16"), report.text());
        }
    }

    @Test
    void readmeSimulatedKernelExampleRunsInVirtualTime() throws Exception {
        try (Kernel kernel = KernelBuilder.create().topology(Topology.tsar(16, 16))
                .engine(Engines.simulated(7)).start()) {
            UserProcess p = kernel.spawn(ProcessSpec.of("worker", ctx -> {
                Pages pages = ctx.syscalls().allocPages(8);
                ctx.syscalls().compute(Duration.ofMillis(2));
                ctx.syscalls().freePages(pages);
            }));
            int code = p.waitFor(Duration.ofSeconds(1));
            KernelReport report = kernel.report();

            assertEquals(0, code);
            assertEquals(8, report.pagesTaken());
            assertEquals(0, report.pagesAllocated());
            assertTrue(report.engine().virtualNanos() >= 2_000_000, report.engine().toString());
            assertTrue(report.toString().contains("engine: simulated, seed 7"), report.toString());
        }
    }
}
