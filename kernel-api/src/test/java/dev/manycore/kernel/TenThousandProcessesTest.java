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
 * and pages; on both engines.
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
                            UserProcess p = kernel.spawn(program(n));
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
            assertGivenBack(kernel, chip, before, awaitPidsSettled(kernel), reportBefore);
        }
    }

    /**
     * The same on the simulated engine, in virtual time: the test thread drives the simulation, so it
     * keeps {@value #CONCURRENT} processes alive by spawning one each time it has waited for the oldest.
     */
    @Test
    void tenThousandProcessesGiveEverythingBackOnTheSimulatedEngine() throws Exception {
        Topology chip = Topology.tsar(4, 4);
        try (Kernel kernel = KernelBuilder.create().topology(chip).processManagers(2).maxProcesses(PIDS)
                .engine(Engines.simulated(1)).start()) {
            KernelCensus before = kernel.census();
            KernelReport reportBefore = kernel.report();
            java.util.ArrayDeque<UserProcess> running = new java.util.ArrayDeque<>();
            java.util.ArrayDeque<Integer> numbers = new java.util.ArrayDeque<>();
            Set<Long> alive = new java.util.HashSet<>();
            int duplicates = 0;
            int wrongCodes = 0;
            for (int n = 0; n < PROCESSES || !running.isEmpty(); n++) {
                if (running.size() == CONCURRENT || n >= PROCESSES) {
                    UserProcess p = running.poll();
                    int m = numbers.poll();
                    if (p.waitFor(Duration.ofSeconds(120)) != (m % 5 == 0 ? m % 7 : 0)) {
                        wrongCodes++;
                    }
                    alive.remove(p.pid());
                }
                if (n < PROCESSES) {
                    UserProcess p = kernel.spawn(program(n));
                    if (!alive.add(p.pid())) {
                        duplicates++;
                    }
                    running.add(p);
                    numbers.add(n);
                }
            }
            assertEquals(0, duplicates, "two live processes never share a PID");
            assertEquals(0, wrongCodes, "every process ended with its own exit code");
            KernelCensus after = kernel.census();
            for (int tick = 0; tick < 1000 && after.pidsInTransit() > 0; tick++) {
                kernel.spawn(ProcessSpec.of("tick", ctx -> ctx.syscalls().sleep(Duration.ofMillis(1))))
                        .waitFor(Duration.ofSeconds(10));
                after = kernel.census();
            }
            assertGivenBack(kernel, chip, before, after, reportBefore);
        }
    }

    private static void assertGivenBack(Kernel kernel, Topology chip, KernelCensus before, KernelCensus after,
                                        KernelReport reportBefore) {
        assertEquals(before, after, "every counter is back where it started");
        KernelReport reportAfter = kernel.report();
        for (ClusterId c : chip.clusters()) {
            assertEquals(reportBefore.userThreads(c), reportAfter.userThreads(c), "DQDT threads of " + c);
        }
        assertEquals(0, reportAfter.processesAlive());
        assertEquals(reportBefore.pagesAllocated(), reportAfter.pagesAllocated());
        assertTrue(reportAfter.pagesTaken() >= PROCESSES * 2L);
    }

    /** Process {@code n} of the workload: pages, a second thread, some frees, some exit codes. */
    private static ProcessSpec program(int n) {
        return ProcessSpec.of("p" + n, ctx -> {
            Pages mine = ctx.syscalls().allocPages(1 + n % 3);
            UserThread t = ctx.startThread(() -> ctx.syscalls().allocPages(1));
            t.join();
            if (n % 2 == 0) {
                ctx.syscalls().freePages(mine);
            }
            if (n % 5 == 0) {
                ctx.syscalls().exit(n % 7);
            }
        }).withInitialPages(n % 2);
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
