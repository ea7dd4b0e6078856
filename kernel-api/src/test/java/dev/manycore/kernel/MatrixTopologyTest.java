package dev.manycore.kernel;

import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel on a socket machine (a SLIT-style distance matrix, no mesh): one row of clusters in the report. */
class MatrixTopologyTest {

    @Test
    void opteronRunsProcessesAndReportsOneRowOfNodes() throws Exception {
        Topology opteron = Topology.opteron64();
        try (Kernel kernel = KernelBuilder.create().topology(opteron).start()) {
            UserProcess p = kernel.spawn(ProcessSpec.of("numa", ctx -> {
                Pages pages = ctx.syscalls().allocPages(32);
                if (!pages.cluster().equals(opteron.clusterOf(ctx.core()))) {
                    ctx.syscalls().exit(2);
                }
                ctx.startThread(() -> ctx.syscalls().allocPages(1)).join();
            }));
            assertEquals(0, p.waitFor(Duration.ofSeconds(60)), "pages come from the thread's own node");
            KernelReport r = kernel.report();
            assertEquals(1, r.fleetMap().split("\n").length);
            assertTrue(r.text().contains("user threads per cluster"));
            JsonCheck.parse(r.toJson());
            assertTrue(r.toJson().contains("\"width\":8,\"height\":1"), r.toJson());
        }
    }
}
