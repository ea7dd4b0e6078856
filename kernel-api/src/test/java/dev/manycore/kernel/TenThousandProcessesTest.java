package dev.manycore.kernel;

import dev.manycore.numa.ClusterId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spawns and ends 10,000 processes (each with pages, a second thread and its {@code /proc} name)
 * over a PID space of 256, so PIDs are reused about forty times, and checks that every counter is
 * back where it started: processes, PIDs, threads, DQDT thread counts per cluster, mailboxes, names
 * and pages.
 */
class TenThousandProcessesTest {

    private static final int PROCESSES = 10_000;
    private static final int CONCURRENT = 48;
    private static final int PIDS = 256;

    @Test
    void tenThousandProcessesGiveEverythingBack() throws Exception {
        Topology chip = Topology.tsar(4, 4);
        try (Kernel kernel = KernelBuilder.create().topology(chip).processManagers(2).maxProcesses(PIDS).start()) {
            KernelCensus before = kernel.census();
            KernelReport reportBefore = kernel.report();
            assertEquals(PIDS, before.freePids());
            Set<Long> alive = ConcurrentHashMap.newKeySet();
            AtomicInteger duplicates = new AtomicInteger();
            AtomicInteger wrongCodes = new AtomicInteger();
            Semaphore slots = new Semaphore(CONCURRENT);
            List<Future<?>> runs = new ArrayList<>();
            try (ExecutorService spawners = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < PROCESSES; i++) {
                    int n = i;
                    slots.acquire();
                    runs.add(spawners.submit(() -> {
                        try {
                            UserProcess p = kernel.spawn(ProcessSpec.of("p" + n, ctx -> {
                                Pages mine = ctx.syscalls().allocPages(1 + n % 3);
                                UserThread t = ctx.startThread(() -> ctx.syscalls().allocPages(1));
                                t.join();
                                if (n % 2 == 0) {
                                    ctx.syscalls().freePages(mine);
                                }
                                if (n % 5 == 0) {
                                    ctx.syscalls().exit(n % 7);
                                }
                            }).withInitialPages(n % 2));
                            if (!alive.add(p.pid())) {
                                duplicates.incrementAndGet();
                            }
                            int code = p.waitFor(Duration.ofSeconds(120));
                            alive.remove(p.pid());
                            if (code != (n % 5 == 0 ? n % 7 : 0)) {
                                wrongCodes.incrementAndGet();
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException("process " + n + " failed", e);
                        } finally {
                            slots.release();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : runs) {
                    f.get(5, TimeUnit.MINUTES);
                }
            }
            assertEquals(0, duplicates.get(), "two live processes never share a PID");
            assertEquals(0, wrongCodes.get(), "every process ended with its own exit code");
            KernelCensus after = awaitPidsSettled(kernel);
            assertEquals(before, after, "every counter is back where it started");
            KernelReport reportAfter = kernel.report();
            for (ClusterId c : chip.clusters()) {
                assertEquals(reportBefore.userThreads(c), reportAfter.userThreads(c), "DQDT threads of " + c);
            }
            assertEquals(0, reportAfter.processesAlive());
            assertEquals(reportBefore.pagesAllocated(), reportAfter.pagesAllocated());
            assertTrue(reportAfter.pagesTaken() >= PROCESSES * 2L);
        }
    }

    /** PIDs may still be settling between dPool partitions; wait (bounded) until none is in transit. */
    private static KernelCensus awaitPidsSettled(Kernel kernel) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        KernelCensus c = kernel.census();
        while (c.pidsInTransit() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
            c = kernel.census();
        }
        return c;
    }
}
