package dev.manycore.kernel;

import dev.manycore.fleets.names.NameNotFoundException;
import dev.manycore.fleets.names.NameTakenException;
import dev.manycore.fleets.names.NamespaceOwnedException;
import dev.manycore.fleets.pages.PageAllocatorException;
import dev.manycore.fleets.processes.Letter;
import dev.manycore.fleets.processes.MailboxClosedException;
import dev.manycore.fleets.processes.MailboxRef;
import dev.manycore.messaging.Address;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel's end-to-end behaviour through KernelBuilder (spawn, threads, pages, names, letters,
 * exit codes, waits, kill, migration, report, close) on both engines. The tests coordinate only through the kernel (letters,
 * joins, waits), never through latches shared with the test thread: on the simulated engine the
 * test thread is the one that drives the simulation, and it can only do so inside kernel calls.
 */
class KernelOnBothEnginesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    record Ping(String text) {
    }

    record Pong(String text, long pid) {
    }

    static Stream<KernelEngine> engines() {
        return Stream.of(Engines.threaded(), Engines.simulated(11));
    }

    private static Kernel boot(KernelEngine engine, Topology chip) {
        return KernelBuilder.create().topology(chip).nameServers(2).processManagers(2).engine(engine).start();
    }

    /**
     * A process that ends when it gets a letter: a program raises it, and the test thread waits for
     * it with {@link UserProcess#waitFor}, which on the simulated engine runs the simulation until then.
     */
    static final class Signal {
        private final UserProcess probe;

        Signal(Kernel kernel) {
            probe = kernel.spawn(ProcessSpec.of("signal", ctx -> ctx.syscalls().receive(WAIT).orElseThrow()));
        }

        void raise(ProcessContext ctx) {
            ctx.syscalls().send("/proc/" + probe.pid(), "raised");
        }

        void await() throws Exception {
            assertEquals(0, probe.waitFor(WAIT), "the signal was raised");
        }
    }

    /** Sends a letter to a process from a short-lived process, and waits until it was delivered. */
    private static void tell(Kernel kernel, long pid, Object body) throws Exception {
        assertEquals(0, kernel.spawn(ProcessSpec.of("teller", ctx -> ctx.syscalls().send("/proc/" + pid, body)))
                .waitFor(WAIT));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void exitCodesFollowHowMainEnds(KernelEngine engine) throws Exception {
        try (Kernel kernel = boot(engine, Topology.tsar(4, 4))) {
            assertEquals(0, kernel.spawn(ProcessSpec.of("returns", ctx -> { })).waitFor(WAIT));
            assertEquals(1, kernel.spawn(ProcessSpec.of("throws", ctx -> {
                throw new IllegalStateException("boom");
            })).waitFor(WAIT));
            assertEquals(42, kernel.spawn(ProcessSpec.of("exits", ctx -> {
                ctx.syscalls().exit(42);
                throw new AssertionError("exit returned");
            })).waitFor(WAIT));
            UserProcess fromThread = kernel.spawn(ProcessSpec.of("exits-from-thread", ctx -> {
                UserThread t = ctx.startThread(() -> ctx.syscalls().exit(9));
                t.join();
                ctx.syscalls().receive(Duration.ofMinutes(5));
                ctx.syscalls().safePoint();
            }));
            assertEquals(9, fromThread.waitFor(WAIT));
            assertFalse(fromThread.isAlive());
            assertEquals(9, fromThread.exitStatus().orElseThrow().code());
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void threadsRunNearTheirParentOnUserCoresAndSeeTheirOwnCore(KernelEngine engine) throws Exception {
        Topology chip = Topology.tsar(4, 4);
        try (Kernel kernel = boot(engine, chip)) {
            List<CoreId> seen = new ArrayList<>();
            AtomicReference<CoreId> mainCore = new AtomicReference<>();
            AtomicReference<String> mismatch = new AtomicReference<>();
            Set<CoreId> inside = ConcurrentHashMap.newKeySet();
            UserProcess p = kernel.spawn(ProcessSpec.of("threads", ctx -> {
                mainCore.set(ctx.core());
                List<UserThread> threads = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    threads.add(ctx.startThread(() -> {
                        if (!ctx.core().equals(ctx.syscalls().core())) {
                            mismatch.set(ctx.core() + " vs " + ctx.syscalls().core());
                        }
                        inside.add(ctx.core());
                        ctx.syscalls().allocPages(1);
                    }));
                }
                synchronized (seen) {
                    for (UserThread t : threads) {
                        seen.add(t.core());
                    }
                }
                for (UserThread t : threads) {
                    ctx.syscalls().join(t);
                    assertFalse(t.isAlive());
                }
            }));
            assertEquals(0, p.waitFor(WAIT));
            assertEquals(null, mismatch.get());
            ClusterId home = chip.clusterOf(mainCore.get());
            synchronized (seen) {
                assertEquals(3, seen.size());
                assertEquals(Set.copyOf(seen), inside, "inside a thread, ctx.core() is that thread's core");
                for (CoreId c : seen) {
                    assertFalse(kernel.fleetCores().contains(c), c + " is a fleet core");
                    assertNotEquals(mainCore.get(), c, "a new thread goes to a core with fewer threads than its parent's");
                    assertTrue(chip.distance(home, chip.clusterOf(c)) <= 1, "thread on " + c + " is far from its parent");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void pagesAreTakenNearTheThreadAndFreedWithTheProcess(KernelEngine engine) throws Exception {
        Topology chip = Topology.tsar(4, 4);
        try (Kernel kernel = boot(engine, chip)) {
            AtomicReference<Pages> taken = new AtomicReference<>();
            AtomicReference<CoreId> core = new AtomicReference<>();
            AtomicReference<Throwable> badFree = new AtomicReference<>();
            AtomicReference<Throwable> doubleFree = new AtomicReference<>();
            Signal holding = new Signal(kernel);
            UserProcess p = kernel.spawn(ProcessSpec.of("pages", ctx -> {
                core.set(ctx.core());
                Pages a = ctx.syscalls().allocPages(16);
                Pages b = ctx.syscalls().allocPages(5);
                ctx.syscalls().freePages(b);
                try {
                    ctx.syscalls().freePages(b);
                } catch (RuntimeException e) {
                    doubleFree.set(e);
                }
                try {
                    ctx.syscalls().freePages(new Pages(ctx.pid() + 1, a.runs()));
                } catch (RuntimeException e) {
                    badFree.set(e);
                }
                taken.set(a);
                holding.raise(ctx);
                ctx.syscalls().receive(WAIT).orElseThrow();
            }).withInitialPages(4));
            holding.await();
            ClusterId home = chip.clusterOf(core.get());
            assertEquals(home, taken.get().cluster(), "locality policy: pages in the thread's cluster");
            ProcessStats stats = p.stats();
            assertEquals(20, stats.pages(), "16 held + 4 initial: " + stats.pagesByCluster());
            assertEquals(1.0, stats.localPageShare());
            assertInstanceOf(PageAllocatorException.class, doubleFree.get(), "freeing twice is refused");
            assertInstanceOf(IllegalArgumentException.class, badFree.get(), "freeing another's pages is refused");
            long heldBefore = kernel.census().pagesHeld();
            tell(kernel, p.pid(), "release");
            assertEquals(0, p.waitFor(WAIT));
            assertEquals(heldBefore - 20, kernel.census().pagesHeld(), "exit frees the 20 pages it still held");
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void processesFindEachOtherByNameAndReplyToLetters(KernelEngine engine) throws Exception {
        try (Kernel kernel = boot(engine, Topology.tsar(4, 4))) {
            Signal registered = new Signal(kernel);
            UserProcess server = kernel.spawn(ProcessSpec.of("echo", ctx -> {
                Syscalls sys = ctx.syscalls();
                sys.register("/apps/echo");
                registered.raise(ctx);
                for (int served = 0; served < 2; served++) {
                    Letter l = sys.receive(WAIT).orElseThrow();
                    Ping ping = (Ping) l.body();
                    sys.send(l.replyTo(), new Pong(ping.text().toUpperCase(Locale.ROOT), ctx.pid()));
                }
            }));
            registered.await();
            AtomicReference<Pong> byName = new AtomicReference<>();
            AtomicReference<Pong> byProc = new AtomicReference<>();
            AtomicReference<Address> host = new AtomicReference<>();
            UserProcess client = kernel.spawn(ProcessSpec.of("client", ctx -> {
                Syscalls sys = ctx.syscalls();
                host.set(sys.lookup("/apps/echo"));
                sys.send("/apps/echo", new Ping("hello"));
                byName.set((Pong) sys.receive(WAIT).orElseThrow().body());
                sys.send("/proc/" + server.pid(), new Ping("again"));
                byProc.set((Pong) sys.receive(WAIT).orElseThrow().body());
            }));
            assertEquals(0, client.waitFor(WAIT));
            assertEquals(0, server.waitFor(WAIT));
            assertEquals(new Pong("HELLO", server.pid()), byName.get());
            assertEquals(new Pong("AGAIN", server.pid()), byProc.get());
            assertNotNull(host.get());
            AtomicReference<Throwable> gone = new AtomicReference<>();
            assertEquals(0, kernel.spawn(ProcessSpec.of("late", ctx -> {
                try {
                    ctx.syscalls().lookup("/apps/echo");
                } catch (NameNotFoundException e) {
                    gone.set(e);
                }
            })).waitFor(WAIT));
            assertInstanceOf(NameNotFoundException.class, gone.get(), "the name went with its process");
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aParentSpawnsWaitsForAndKillsItsChildren(KernelEngine engine) throws Exception {
        try (Kernel kernel = boot(engine, Topology.tsar(4, 4))) {
            AtomicReference<Integer> childCode = new AtomicReference<>();
            AtomicReference<Throwable> timedOut = new AtomicReference<>();
            AtomicReference<Integer> sleeperCode = new AtomicReference<>();
            UserProcess parent = kernel.spawn(ProcessSpec.of("parent", ctx -> {
                UserProcess child = ctx.syscalls().spawn(ProcessSpec.of("child", c -> c.syscalls().exit(3)));
                childCode.set(ctx.syscalls().waitFor(child, WAIT));
                UserProcess sleeper = ctx.syscalls().spawn(ProcessSpec.of("sleeper", c -> {
                    c.syscalls().receive(Duration.ofMinutes(5));
                    c.syscalls().safePoint();
                }));
                try {
                    ctx.syscalls().waitFor(sleeper, Duration.ofMillis(50));
                } catch (TimeoutException e) {
                    timedOut.set(e);
                }
                sleeper.kill();
                sleeperCode.set(ctx.syscalls().waitFor(sleeper, WAIT));
            }));
            assertEquals(0, parent.waitFor(WAIT));
            assertEquals(3, childCode.get());
            assertInstanceOf(TimeoutException.class, timedOut.get(), "a wait that runs out says so");
            assertTrue(timedOut.get().getMessage().contains("sleeper"), timedOut.get().getMessage());
            assertEquals(137, sleeperCode.get(), "a parent may kill its child");
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void killStopsABlockedProcessAndFreesEverything(KernelEngine engine) throws Exception {
        try (Kernel kernel = boot(engine, Topology.tsar(4, 4))) {
            KernelCensus before = kernel.census();
            Signal blocked = new Signal(kernel);
            UserProcess victim = kernel.spawn(ProcessSpec.of("victim", ctx -> {
                ctx.syscalls().allocPages(8);
                ctx.syscalls().register("/apps/victim");
                ctx.startThread(() -> ctx.syscalls().sleep(Duration.ofMinutes(10)));
                blocked.raise(ctx);
                ctx.syscalls().receive(Duration.ofMinutes(10));
                ctx.syscalls().safePoint();
            }));
            blocked.await();
            victim.kill();
            assertEquals(137, victim.waitFor(WAIT));
            assertTrue(victim.exitStatus().orElseThrow().killed());
            victim.kill();
            KernelCensus after = kernel.census();
            assertEquals(before.managedThreads(), after.managedThreads());
            assertEquals(before.openMailboxes(), after.openMailboxes());
            assertEquals(before.names(), after.names());
            assertEquals(before.pagesHeld(), after.pagesHeld());
            assertThrows(IllegalStateException.class, victim::stats);
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void migrationMovesThreadsMailboxAndNames(KernelEngine engine) throws Exception {
        Topology chip = Topology.tsar(4, 4);
        try (Kernel kernel = boot(engine, chip)) {
            ClusterId far = chip.clusterAt(3, 3).orElseThrow();
            ClusterId near = chip.clusterAt(0, 0).orElseThrow();
            AtomicReference<CoreId> threadCore = new AtomicReference<>();
            AtomicReference<CoreId> mainCore = new AtomicReference<>();
            AtomicReference<Object> received = new AtomicReference<>();
            Signal ready = new Signal(kernel);
            UserProcess p = kernel.spawn(ProcessSpec.of("nomad", ctx -> {
                ctx.syscalls().register("/apps/nomad");
                MailboxRef threadBox = ctx.syscalls().openMailbox();
                UserThread t = ctx.startThread(() -> {
                    ctx.syscalls().receive(threadBox, WAIT).orElseThrow();
                    ctx.syscalls().safePoint();
                    threadCore.set(ctx.core());
                });
                ready.raise(ctx);
                received.set(ctx.syscalls().receive(WAIT).orElseThrow().body());
                ctx.syscalls().safePoint();
                mainCore.set(ctx.core());
                ctx.syscalls().send(threadBox, "moved");
                t.join();
            }).near(near));
            ready.await();
            p.migrate(far);
            AtomicReference<Address> host = new AtomicReference<>();
            assertEquals(0, kernel.spawn(ProcessSpec.of("sender", ctx -> {
                host.set(ctx.syscalls().lookup("/apps/nomad"));
                ctx.syscalls().send("/apps/nomad", new Ping("follow"));
            }).near(near)).waitFor(WAIT));
            assertEquals(far, chip.clusterOf(host.get().core()), "the name now resolves to the new cluster");
            assertEquals(0, p.waitFor(WAIT));
            assertEquals(new Ping("follow"), received.get());
            assertEquals(far, chip.clusterOf(mainCore.get()));
            assertEquals(far, chip.clusterOf(threadCore.get()));
            assertFalse(kernel.fleetCores().contains(threadCore.get()));
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void reportShowsTheEngineFleetsTrafficPagesAndTheThreadGrid(KernelEngine engine) throws Exception {
        Topology chip = Topology.tsar(4, 4);
        try (Kernel kernel = boot(engine, chip)) {
            assertEquals(0, kernel.spawn(ProcessSpec.of("reporter", ctx -> ctx.syscalls().allocPages(2))).waitFor(WAIT));
            KernelReport r = kernel.report();
            assertEquals(engine instanceof KernelEngine.Simulated, r.engine().simulated());
            assertEquals(chip.totalPages(), r.pagesTotal());
            assertTrue(r.localPageRatio() > 0 && r.localPageRatio() <= 1);
            assertTrue(r.messages() > 0 && r.hopBytes() > 0 && r.energyPicojoules() > 0);
            for (KernelReport.FleetLoad f : r.fleets()) {
                assertTrue(f.requests() > 0, f.toString());
            }
            KernelReport.FleetLoad processes = r.fleets().get(2);
            assertTrue(processes.calls() > 0 && processes.p50Micros() > 0 && processes.p99Micros() >= processes.p50Micros(),
                    processes.toString());
            assertTrue(r.text().contains("engine: " + r.engine().kind()), r.text());
            JsonCheck.parse(r.toJson());
            assertTrue(r.toJson().contains("\"engine\":{\"kind\":\"" + r.engine().kind() + "\""), r.toJson());
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void closeStopsRunningProcessesAndRefusesLaterCalls(KernelEngine engine) throws Exception {
        Kernel kernel = KernelBuilder.create().topology(Topology.tsar(2, 2)).engine(engine).start();
        Signal waiting = new Signal(kernel);
        UserProcess sleeper = kernel.spawn(ProcessSpec.of("sleeper", ctx -> {
            waiting.raise(ctx);
            ctx.syscalls().receive(Duration.ofMinutes(5));
            ctx.syscalls().safePoint();
        }));
        waiting.await();
        AtomicReference<Throwable> fromInside = new AtomicReference<>();
        assertEquals(0, kernel.spawn(ProcessSpec.of("closer", ctx -> {
            try {
                kernel.close();
            } catch (IllegalStateException e) {
                fromInside.set(e);
            }
        })).waitFor(WAIT));
        assertTrue(fromInside.get() != null && fromInside.get().getMessage().contains("from outside"),
                "a process cannot close its own kernel: " + fromInside.get());
        kernel.close();
        assertFalse(sleeper.isAlive(), "close() waits for the processes it kills");
        assertEquals(137, sleeper.waitFor(Duration.ofSeconds(1)));
        assertClosed(assertThrows(IllegalStateException.class, kernel::topology));
        assertClosed(assertThrows(IllegalStateException.class, kernel::report));
        assertClosed(assertThrows(IllegalStateException.class, kernel::census));
        assertClosed(assertThrows(IllegalStateException.class, kernel::fleetCores));
        assertClosed(assertThrows(IllegalStateException.class, () -> kernel.spawn(ProcessSpec.of("late", ctx -> { }))));
        assertClosed(assertThrows(IllegalStateException.class, sleeper::kill));
        assertDoesNotThrow(kernel::close, "close is idempotent");
    }

    private static void assertClosed(IllegalStateException e) {
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void noUserThreadEverRunsOnAFleetCore(KernelEngine engine) throws Exception {
        try (Kernel kernel = boot(engine, Topology.tsar(4, 4))) {
            int processes = 24;
            Set<CoreId> cores = ConcurrentHashMap.newKeySet();
            List<UserProcess> all = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                all.add(kernel.spawn(ProcessSpec.of("crowd-" + i, ctx -> {
                    cores.add(ctx.core());
                    List<UserThread> ts = new ArrayList<>();
                    List<MailboxRef> boxes = new ArrayList<>();
                    for (int k = 0; k < 2; k++) {
                        MailboxRef box = ctx.syscalls().openMailbox();
                        boxes.add(box);
                        ts.add(ctx.startThread(() -> {
                            cores.add(ctx.core());
                            ctx.syscalls().receive(box, WAIT).orElseThrow();
                        }));
                    }
                    ctx.syscalls().receive(WAIT).orElseThrow();
                    for (MailboxRef box : boxes) {
                        ctx.syscalls().send(box, "go");
                    }
                    for (UserThread t : ts) {
                        t.join();
                    }
                })));
            }
            for (UserProcess p : all) {
                tell(kernel, p.pid(), "go");
            }
            for (UserProcess p : all) {
                assertEquals(0, p.waitFor(WAIT));
            }
            for (CoreId c : cores) {
                assertFalse(kernel.fleetCores().contains(c), "user thread on fleet core " + c);
            }
            assertTrue(cores.size() > 20, "72 threads alive together spread over the user cores: " + cores.size());
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void lettersToAnEndedProcessAreRefused(KernelEngine engine) throws Exception {
        try (Kernel kernel = boot(engine, Topology.tsar(4, 4))) {
            AtomicReference<MailboxRef> box = new AtomicReference<>();
            assertEquals(0, kernel.spawn(ProcessSpec.of("short", ctx -> box.set(ctx.syscalls().mailbox()))).waitFor(WAIT));
            AtomicReference<Throwable> refused = new AtomicReference<>();
            assertEquals(0, kernel.spawn(ProcessSpec.of("writer", ctx -> {
                try {
                    ctx.syscalls().send(box.get(), new Ping("anyone?"));
                } catch (MailboxClosedException e) {
                    refused.set(e);
                }
            })).waitFor(WAIT));
            assertInstanceOf(MailboxClosedException.class, refused.get());
            assertTrue(refused.get().getMessage().contains("closed"), refused.get().getMessage());
        }
    }

    record Hello(MailboxRef from) {
    }

    @ParameterizedTest
    @MethodSource("engines")
    void threadsTalkThroughMailboxesOfTheirOwn(KernelEngine engine) throws Exception {
        try (Kernel kernel = boot(engine, Topology.tsar(4, 4))) {
            AtomicReference<List<Object>> got = new AtomicReference<>();
            AtomicReference<Object> threadGot = new AtomicReference<>();
            AtomicReference<Throwable> foreign = new AtomicReference<>();
            AtomicReference<MailboxRef> replyTo = new AtomicReference<>();
            AtomicReference<MailboxRef> mainBox = new AtomicReference<>();
            AtomicReference<Integer> dropped = new AtomicReference<>();
            KernelCensus before = kernel.census();
            UserProcess p = kernel.spawn(ProcessSpec.of("pair", ctx -> {
                Syscalls sys = ctx.syscalls();
                MailboxRef mine = sys.openMailbox();
                UserThread t = ctx.startThread(() -> {
                    Syscalls ts = ctx.syscalls();
                    MailboxRef theirs = ts.openMailbox();
                    ts.send(mine, new Hello(theirs));
                    threadGot.set(ts.receive(theirs, WAIT).orElseThrow().body());
                    ts.send(ts.mailbox(), new Ping("done"));
                });
                Letter first = sys.receive(mine, WAIT).orElseThrow();
                replyTo.set(first.replyTo());
                mainBox.set(sys.mailbox());
                sys.send(((Hello) first.body()).from(), new Ping("ack"));
                Letter second = sys.receive(WAIT).orElseThrow();
                got.set(List.of(first.body(), second.body()));
                t.join();
                try {
                    sys.receive(new MailboxRef(mine.host(), 999_999), Duration.ZERO);
                } catch (IllegalArgumentException e) {
                    foreign.set(e);
                }
                dropped.set(sys.closeMailbox(mine));
            }));
            assertEquals(0, p.waitFor(WAIT));
            assertInstanceOf(Hello.class, got.get().get(0));
            assertEquals(new Ping("done"), got.get().get(1));
            assertEquals(new Ping("ack"), threadGot.get());
            assertEquals(mainBox.get(), replyTo.get(), "a letter's replyTo is the sender's main mailbox");
            assertEquals(0, dropped.get(), "every letter to the closed mailbox was read");
            assertInstanceOf(IllegalArgumentException.class, foreign.get(), "a process receives only from its own mailboxes");
            assertEquals(before.openMailboxes(), kernel.census().openMailboxes(), "the thread's mailbox closed at exit");
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void namesAreRefusedInsideClaimedNamespacesAndWhenTaken(KernelEngine engine) throws Exception {
        try (Kernel kernel = boot(engine, Topology.tsar(4, 4))) {
            AtomicReference<Throwable> inProc = new AtomicReference<>();
            AtomicReference<Throwable> taken = new AtomicReference<>();
            Signal holding = new Signal(kernel);
            UserProcess owner = kernel.spawn(ProcessSpec.of("owner", ctx -> {
                ctx.syscalls().register("/apps/taken");
                holding.raise(ctx);
                ctx.syscalls().receive(WAIT).orElseThrow();
            }));
            holding.await();
            assertEquals(0, kernel.spawn(ProcessSpec.of("intruder", ctx -> {
                try {
                    ctx.syscalls().register("/proc/mine");
                } catch (RuntimeException e) {
                    inProc.set(e);
                }
                try {
                    ctx.syscalls().register("/apps/taken");
                } catch (RuntimeException e) {
                    taken.set(e);
                }
            })).waitFor(WAIT));
            tell(kernel, owner.pid(), "release");
            assertEquals(0, owner.waitFor(WAIT));
            assertInstanceOf(NamespaceOwnedException.class, inProc.get());
            assertInstanceOf(NameTakenException.class, taken.get());
            assertTrue(taken.get().getMessage().contains("/apps/taken"), taken.get().getMessage());
        }
    }
}
