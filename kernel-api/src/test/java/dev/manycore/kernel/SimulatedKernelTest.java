package dev.manycore.kernel;

import dev.manycore.fleets.processes.Letter;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What only the simulated engine promises: determinism, virtual time, and refusing programs that block elsewhere. */
class SimulatedKernelTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    record Work(int round) {
    }

    /** A mixed workload: processes with threads, pages, names, letters, sleeps and a kill. */
    private static KernelReport run(long engineSeed, long kernelSeed) throws Exception {
        try (Kernel kernel = KernelBuilder.create().topology(Topology.tsar(4, 4)).processManagers(2).seed(kernelSeed)
                .engine(Engines.simulated(engineSeed)).start()) {
            UserProcess server = kernel.spawn(ProcessSpec.of("server", ctx -> {
                ctx.syscalls().register("/apps/server");
                for (int i = 0; i < 6; i++) {
                    Letter l = ctx.syscalls().receive(WAIT).orElseThrow();
                    ctx.syscalls().allocPages(1 + i % 3);
                    ctx.syscalls().send(l.replyTo(), new Work(((Work) l.body()).round() + 1));
                }
            }));
            List<UserProcess> clients = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                int n = c;
                clients.add(kernel.spawn(ProcessSpec.of("client-" + c, ctx -> {
                    ctx.syscalls().sleep(Duration.ofMillis(1 + n));
                    UserThread t = ctx.startThread(() -> {
                        Pages p = ctx.syscalls().allocPages(4);
                        ctx.syscalls().compute(Duration.ofNanos(50_000));
                        ctx.syscalls().freePages(p);
                    });
                    for (int r = 0; r < 2; r++) {
                        ctx.syscalls().send("/apps/server", new Work(r));
                        ctx.syscalls().receive(WAIT).orElseThrow();
                    }
                    t.join();
                }).withInitialPages(n)));
            }
            UserProcess victim = kernel.spawn(ProcessSpec.of("victim", ctx -> ctx.syscalls().sleep(Duration.ofHours(1))));
            for (UserProcess p : clients) {
                assertEquals(0, p.waitFor(WAIT));
            }
            assertEquals(0, server.waitFor(WAIT));
            victim.kill();
            assertEquals(137, victim.waitFor(WAIT));
            return kernel.report();
        }
    }

    @Test
    void theSameSeedGivesTheSameRun() throws Exception {
        KernelReport first = run(5, 42);
        KernelReport second = run(5, 42);
        assertTrue(first.engine().simulated());
        assertTrue(first.engine().virtualNanos() > 3_000_000, "the clients slept 1 to 3 ms: " + first.engine());
        assertEquals(first.engine(), second.engine(), "same virtual time and trace hash");
        assertEquals(first.toJson(), second.toJson(), "same report, latencies included");
        assertTrue(first.messages() > 0 && first.fleets().get(2).calls() > 0);
        KernelReport other = run(5, 43);
        assertNotEquals(first.engine().traceHash(), other.engine().traceHash(),
                "another kernel seed (DQDT tie-breaks, the fleets' random sources), another run");
    }

    @Test
    void programsSeeVirtualTimeMoveOnlyByWhatTheyWaitAndDeclare() throws Exception {
        try (Kernel kernel = KernelBuilder.create().topology(Topology.tsar(2, 2)).engine(Engines.simulated(1)).start()) {
            AtomicLong slept = new AtomicLong();
            AtomicLong computed = new AtomicLong();
            AtomicLong busyLoop = new AtomicLong();
            UserProcess p = kernel.spawn(ProcessSpec.of("timer", ctx -> {
                Syscalls sys = ctx.syscalls();
                long t0 = sys.now();
                sys.sleep(Duration.ofSeconds(5));
                long t1 = sys.now();
                sys.compute(Duration.ofMillis(2));
                long t2 = sys.now();
                long spin = 0;
                for (int i = 0; i < 2_000_000; i++) {
                    spin += i % 7;
                }
                long t3 = sys.now();
                slept.set(t1 - t0);
                computed.set(t2 - t1);
                busyLoop.set(t3 - t2 + (spin < 0 ? 1 : 0));
            }));
            assertEquals(0, p.waitFor(Duration.ofSeconds(10)));
            assertTrue(slept.get() >= 5_000_000_000L && slept.get() < 5_001_000_000L, "slept " + slept.get() + " ns");
            assertTrue(computed.get() >= 2_000_000 && computed.get() < 2_001_000, "computed " + computed.get() + " ns");
            assertEquals(0, busyLoop.get(), "undeclared host work takes no virtual time");

            UserProcess sleeper = kernel.spawn(ProcessSpec.of("sleeper", ctx -> ctx.syscalls().sleep(Duration.ofHours(1))));
            long before = kernel.report().engine().virtualNanos();
            assertThrows(TimeoutException.class, () -> sleeper.waitFor(Duration.ofSeconds(30)));
            long waited = kernel.report().engine().virtualNanos() - before;
            assertEquals(30_000_000_000L, waited, "waitFor's timeout is virtual time, run to its end");
            assertTrue(sleeper.isAlive());
            sleeper.kill();
            assertEquals(137, sleeper.waitFor(WAIT));
        }
    }

    @Test
    void aProgramThatSleepsOutsideItsSyscallsIsStoppedWithAClearError() throws Exception {
        try (Kernel kernel = KernelBuilder.create().topology(Topology.tsar(2, 2))
                .engine(Engines.simulated(3).withHandOffTimeout(Duration.ofMillis(300))).start()) {
            KernelCensus before = kernel.census();
            UserProcess p = kernel.spawn(ProcessSpec.of("napper", ctx -> {
                ctx.syscalls().allocPages(3);
                Thread.sleep(5_000);
            }));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.waitFor(WAIT));
            assertTrue(e.getMessage().contains("may block only in its syscalls") && e.getMessage().contains("napper"),
                    e.getMessage());
            assertFalse(p.isAlive());
            assertEquals(before, kernel.census(), "the stopped process gave everything back");
            assertEquals(0, kernel.spawn(ProcessSpec.of("next", ctx -> ctx.syscalls().allocPages(1))).waitFor(WAIT),
                    "the kernel goes on");
        }
    }

    @Test
    void aThreadBlockedOnAForeignLockIsStoppedAndItsProcessEnds() throws Exception {
        ReentrantLock foreign = new ReentrantLock();
        foreign.lock();
        try (Kernel kernel = KernelBuilder.create().topology(Topology.tsar(2, 2))
                .engine(Engines.simulated(3).withHandOffTimeout(Duration.ofMillis(300))).start()) {
            KernelCensus before = kernel.census();
            UserProcess p = kernel.spawn(ProcessSpec.of("locker", ctx -> {
                UserThread t = ctx.startThread(() -> {
                    foreign.lock();
                    foreign.unlock();
                });
                t.join();
            }));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.waitFor(WAIT));
            assertTrue(e.getMessage().contains("thread 1 of process " + p.pid()), e.getMessage());
            assertEquals(before, kernel.census(), "the stopped process gave everything back");
        } finally {
            foreign.unlock();
        }
    }

    /** The example of KernelBuilder's javadoc (and the README), as written there. */
    @Test
    void theDocumentedExampleRunsOnA1024CoreChip() throws Exception {
        try (Kernel kernel = KernelBuilder.create().topology(Topology.tsar(16, 16))
                .engine(Engines.simulated(7)).start()) {
            UserProcess p = kernel.spawn(ProcessSpec.of("worker", ctx -> {
                Pages pages = ctx.syscalls().allocPages(8);       // messages to the page fleet, in virtual time
                ctx.syscalls().compute(Duration.ofMillis(2));     // declared work: its core is busy 2 ms
                ctx.syscalls().freePages(pages);
            }));
            p.waitFor(Duration.ofSeconds(1));                     // runs the simulation until p ends
            KernelReport report = kernel.report();
            assertTrue(report.text().contains("engine: simulated, seed 7"), report.text());
            assertTrue(report.engine().virtualNanos() > 2_000_000, report.engine().toString());
            assertEquals(8, report.pagesTaken());
        }
    }
}
