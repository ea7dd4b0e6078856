package dev.manycore.kernel;

import dev.manycore.fleets.names.NameNotFoundException;
import dev.manycore.fleets.pages.PageAllocatorException;
import dev.manycore.fleets.processes.Letter;
import dev.manycore.messaging.Address;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spawn, threads, pages, names, letters, exit codes, kill, migration and the report, through KernelBuilder. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private Kernel kernel;
    private Topology chip;

    record Ping(String text) {
    }

    record Pong(String text, long pid) {
    }

    @BeforeAll
    void boot() {
        chip = Topology.tsar(4, 4);
        kernel = KernelBuilder.create().topology(chip).nameServers(2).processManagers(2).start();
    }

    @AfterAll
    void shutdown() {
        kernel.close();
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(60, TimeUnit.SECONDS), "timed out");
    }

    @Test
    void exitCodesFollowHowMainEnds() throws Exception {
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

    @Test
    void threadsRunNearTheirParentOnUserCoresAndSeeTheirOwnCore() throws Exception {
        CountDownLatch started = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        List<CoreId> seen = new ArrayList<>();
        AtomicReference<CoreId> mainCore = new AtomicReference<>();
        AtomicReference<String> mismatch = new AtomicReference<>();
        Set<CoreId> inside = ConcurrentHashMap.newKeySet();
        UserProcess p = kernel.spawn(ProcessSpec.of("threads", ctx -> {
            mainCore.set(ctx.core());
            List<UserThread> threads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                threads.add(ctx.startThread(() -> {
                    // Inside the thread, the shared context answers for this thread.
                    if (!ctx.core().equals(ctx.syscalls().core())) {
                        mismatch.set(ctx.core() + " vs " + ctx.syscalls().core());
                    }
                    inside.add(ctx.core());
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            synchronized (seen) {
                for (UserThread t : threads) {
                    seen.add(t.core());
                }
            }
            for (UserThread t : threads) {
                ctx.syscalls().join(t);
            }
        }));
        await(started);
        KernelReport during = kernel.report();
        ProcessStats stats = p.stats();
        assertEquals(4, stats.threads().size(), "main and three threads: " + stats.threads());
        release.countDown();
        assertEquals(0, p.waitFor(WAIT));
        assertEquals(null, mismatch.get());
        ClusterId home = chip.clusterOf(mainCore.get());
        synchronized (seen) {
            assertEquals(3, seen.size());
            assertEquals(Set.copyOf(seen), inside, "inside a thread, ctx.core() is that thread's core");
            for (CoreId c : seen) {
                assertFalse(kernel.fleetCores().contains(c), c + " is a fleet core");
                assertNotEquals(mainCore.get(), c, "a new thread goes to a core with fewer threads than its parent's");
                assertTrue(chip.distance(home, chip.clusterOf(c)) <= 1, "thread on " + c + " is far from its parent on "
                        + mainCore.get());
            }
        }
        long userThreads = 0;
        for (ClusterId c : chip.clusters()) {
            userThreads += during.userThreads(c);
        }
        assertTrue(userThreads >= 4, "the DQDT counted the process's four threads: " + userThreads);
    }

    @Test
    void noUserThreadEverRunsOnAFleetCore() throws Exception {
        int processes = 24;
        CountDownLatch started = new CountDownLatch(processes * 3);
        CountDownLatch release = new CountDownLatch(1);
        Set<CoreId> cores = ConcurrentHashMap.newKeySet();
        List<UserProcess> all = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            all.add(kernel.spawn(ProcessSpec.of("crowd-" + i, ctx -> {
                cores.add(ctx.core());
                List<UserThread> ts = new ArrayList<>();
                for (int k = 0; k < 2; k++) {
                    ts.add(ctx.startThread(() -> {
                        cores.add(ctx.core());
                        started.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }));
                }
                started.countDown();
                release.await();
                for (UserThread t : ts) {
                    t.join();
                }
            })));
        }
        await(started);
        release.countDown();
        for (UserProcess p : all) {
            assertEquals(0, p.waitFor(WAIT));
        }
        for (CoreId c : cores) {
            assertFalse(kernel.fleetCores().contains(c), "user thread on fleet core " + c);
        }
        assertTrue(cores.size() > 20, "72 threads spread over the user cores: " + cores.size());
    }

    @Test
    void pagesAreTakenNearTheThreadAndFreedWithTheProcess() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Pages> taken = new AtomicReference<>();
        AtomicReference<CoreId> core = new AtomicReference<>();
        AtomicReference<Throwable> badFree = new AtomicReference<>();
        AtomicReference<Throwable> doubleFree = new AtomicReference<>();
        AtomicReference<Pages> initial = new AtomicReference<>();
        UserProcess p = kernel.spawn(ProcessSpec.of("pages", ctx -> {
            core.set(ctx.core());
            initial.set(ctx.initialPages().orElseThrow());
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
            holding.countDown();
            release.await();
        }).withInitialPages(4));
        await(holding);
        ClusterId home = chip.clusterOf(core.get());
        assertEquals(home, taken.get().cluster(), "locality policy: pages in the thread's cluster");
        assertEquals(16, taken.get().count());
        assertEquals(4, initial.get().count());
        assertEquals(home, initial.get().cluster(), "initial pages are taken near the process's core");
        ProcessStats stats = p.stats();
        assertEquals(20, stats.pages(), "16 held + 4 initial: " + stats.pagesByCluster());
        assertEquals(20, stats.pagesByCluster().get(home));
        assertEquals(1.0, stats.localPageShare());
        assertTrue(kernel.report().pagesAllocated() >= 20);
        assertInstanceOf(PageAllocatorException.class, doubleFree.get(), "freeing twice is refused");
        assertInstanceOf(IllegalArgumentException.class, badFree.get(), "freeing another process's pages is refused");
        long heldBefore = kernel.census().pagesHeld();
        release.countDown();
        assertEquals(0, p.waitFor(WAIT));
        assertEquals(heldBefore - 20, kernel.census().pagesHeld(), "exit frees the 20 pages it still held");
        assertThrows(IllegalArgumentException.class, () -> new ProcessSpec("x", c -> { }, -1, null));
    }

    @Test
    void processesFindEachOtherByNameAndReplyToLetters() throws Exception {
        CountDownLatch registered = new CountDownLatch(1);
        UserProcess server = kernel.spawn(ProcessSpec.of("echo", ctx -> {
            Syscalls sys = ctx.syscalls();
            sys.register("/apps/echo");
            registered.countDown();
            for (int served = 0; served < 2; ) {
                Optional<Letter> l = sys.receive(Duration.ofSeconds(30));
                if (l.isEmpty()) {
                    continue;
                }
                Ping ping = (Ping) l.get().body();
                sys.send(l.get().replyTo(), new Pong(ping.text().toUpperCase(java.util.Locale.ROOT), ctx.pid()));
                served++;
            }
        }));
        await(registered);
        AtomicReference<Pong> byName = new AtomicReference<>();
        AtomicReference<Pong> byProc = new AtomicReference<>();
        AtomicReference<Address> host = new AtomicReference<>();
        UserProcess client = kernel.spawn(ProcessSpec.of("client", ctx -> {
            Syscalls sys = ctx.syscalls();
            host.set(sys.lookup("/apps/echo"));
            sys.send("/apps/echo", new Ping("hello"));
            byName.set((Pong) sys.receive(Duration.ofSeconds(30)).orElseThrow().body());
            sys.send("/proc/" + server.pid(), new Ping("again"));
            byProc.set((Pong) sys.receive(Duration.ofSeconds(30)).orElseThrow().body());
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

    @Test
    void lettersToAnEndedProcessAreRefused() throws Exception {
        AtomicReference<dev.manycore.fleets.processes.MailboxRef> box = new AtomicReference<>();
        assertEquals(0, kernel.spawn(ProcessSpec.of("short", ctx -> box.set(ctx.syscalls().mailbox()))).waitFor(WAIT));
        AtomicReference<Throwable> refused = new AtomicReference<>();
        assertEquals(0, kernel.spawn(ProcessSpec.of("writer", ctx -> {
            try {
                ctx.syscalls().send(box.get(), new Ping("anyone?"));
            } catch (dev.manycore.fleets.processes.MailboxClosedException e) {
                refused.set(e);
            }
        })).waitFor(WAIT));
        assertInstanceOf(dev.manycore.fleets.processes.MailboxClosedException.class, refused.get());
        assertTrue(refused.get().getMessage().contains("closed"), refused.get().getMessage());
    }

    record Hello(dev.manycore.fleets.processes.MailboxRef from) {
    }

    @Test
    void threadsTalkThroughMailboxesOfTheirOwn() throws Exception {
        AtomicReference<List<Object>> got = new AtomicReference<>();
        AtomicReference<Object> threadGot = new AtomicReference<>();
        AtomicReference<Throwable> foreign = new AtomicReference<>();
        KernelCensus before = kernel.census();
        UserProcess p = kernel.spawn(ProcessSpec.of("pair", ctx -> {
            Syscalls sys = ctx.syscalls();
            dev.manycore.fleets.processes.MailboxRef mine = sys.openMailbox();
            UserThread t = ctx.startThread(() -> {
                Syscalls ts = ctx.syscalls();
                dev.manycore.fleets.processes.MailboxRef theirs = ts.openMailbox();
                ts.send(mine, new Hello(theirs));
                threadGot.set(ts.receive(theirs, Duration.ofSeconds(30)).orElseThrow().body());
                ts.send(ts.mailbox(), new Ping("done"));
            });
            Letter first = sys.receive(mine, Duration.ofSeconds(30)).orElseThrow();
            assertEquals(sys.mailbox(), first.replyTo(), "a letter's replyTo is the sender's main mailbox");
            sys.send(((Hello) first.body()).from(), new Ping("ack"));
            Letter second = sys.receive(Duration.ofSeconds(30)).orElseThrow();
            got.set(List.of(first.body(), second.body()));
            t.join();
            try {
                sys.receive(new dev.manycore.fleets.processes.MailboxRef(mine.host(), 999_999), Duration.ZERO);
            } catch (IllegalArgumentException e) {
                foreign.set(e);
            }
            assertEquals(0, sys.closeMailbox(mine));
        }));
        assertEquals(0, p.waitFor(WAIT));
        assertEquals(new Ping("done"), got.get().get(1));
        assertInstanceOf(Hello.class, got.get().get(0));
        assertEquals(new Ping("ack"), threadGot.get());
        assertInstanceOf(IllegalArgumentException.class, foreign.get(), "a process receives only from its own mailboxes");
        assertEquals(before.openMailboxes(), kernel.census().openMailboxes(), "the thread's mailbox closed at exit");
    }

    @Test
    void namesAreRefusedInsideClaimedNamespacesAndWhenTaken() throws Exception {
        AtomicReference<Throwable> inProc = new AtomicReference<>();
        AtomicReference<Throwable> taken = new AtomicReference<>();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        UserProcess owner = kernel.spawn(ProcessSpec.of("owner", ctx -> {
            ctx.syscalls().register("/apps/taken");
            holding.countDown();
            release.await();
        }));
        await(holding);
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
        release.countDown();
        assertEquals(0, owner.waitFor(WAIT));
        assertInstanceOf(dev.manycore.fleets.names.NamespaceOwnedException.class, inProc.get());
        assertInstanceOf(dev.manycore.fleets.names.NameTakenException.class, taken.get());
        assertTrue(taken.get().getMessage().contains("/apps/taken"), taken.get().getMessage());
    }

    @Test
    void aParentSpawnsAndWaitsForItsChild() throws Exception {
        AtomicReference<Integer> childCode = new AtomicReference<>();
        AtomicReference<Throwable> timedOut = new AtomicReference<>();
        AtomicReference<Integer> sleeperCode = new AtomicReference<>();
        UserProcess parent = kernel.spawn(ProcessSpec.of("parent", ctx -> {
            UserProcess child = ctx.syscalls().spawn(ProcessSpec.of("child", c -> c.syscalls().exit(3)));
            childCode.set(ctx.syscalls().waitFor(child, Duration.ofSeconds(60)));
            UserProcess sleeper = ctx.syscalls().spawn(ProcessSpec.of("sleeper", c -> {
                c.syscalls().receive(Duration.ofMinutes(5));
                c.syscalls().safePoint();
            }));
            try {
                ctx.syscalls().waitFor(sleeper, Duration.ofMillis(50));
            } catch (java.util.concurrent.TimeoutException e) {
                timedOut.set(e);
            }
            sleeper.kill();
            sleeperCode.set(ctx.syscalls().waitFor(sleeper, Duration.ofSeconds(60)));
        }));
        assertEquals(0, parent.waitFor(WAIT));
        assertEquals(3, childCode.get());
        assertInstanceOf(java.util.concurrent.TimeoutException.class, timedOut.get(), "a wait that runs out says so");
        assertTrue(timedOut.get().getMessage().contains("sleeper"), timedOut.get().getMessage());
        assertEquals(137, sleeperCode.get(), "a parent may kill its child");
    }

    @Test
    void killStopsABlockedProcessAndFreesEverything() throws Exception {
        KernelCensus before = kernel.census();
        CountDownLatch blocked = new CountDownLatch(2);
        UserProcess victim = kernel.spawn(ProcessSpec.of("victim", ctx -> {
            ctx.syscalls().allocPages(8);
            ctx.syscalls().register("/apps/victim");
            ctx.startThread(() -> {
                blocked.countDown();
                while (true) {
                    ctx.syscalls().safePoint();
                    Thread.onSpinWait();
                }
            });
            blocked.countDown();
            ctx.syscalls().receive(Duration.ofMinutes(10));
            ctx.syscalls().safePoint();
        }));
        await(blocked);
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

    @Test
    void migrationMovesThreadsMailboxAndNames() throws Exception {
        ClusterId far = chip.clusterAt(3, 3).orElseThrow();
        ClusterId near = chip.clusterAt(0, 0).orElseThrow();
        CountDownLatch ready = new CountDownLatch(2);
        CountDownLatch moved = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<CoreId> threadCore = new AtomicReference<>();
        AtomicReference<CoreId> mainCore = new AtomicReference<>();
        AtomicReference<Object> received = new AtomicReference<>();
        UserProcess p = kernel.spawn(ProcessSpec.of("nomad", ctx -> {
            ctx.syscalls().register("/apps/nomad");
            UserThread t = ctx.startThread(() -> {
                ready.countDown();
                while (!chip.clusterOf(ctx.core()).equals(far)) {
                    ctx.syscalls().safePoint();
                    Thread.onSpinWait();
                }
                threadCore.set(ctx.core());
                moved.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            ready.countDown();
            while (!chip.clusterOf(ctx.core()).equals(far)) {
                ctx.syscalls().safePoint();
                Thread.onSpinWait();
            }
            mainCore.set(ctx.core());
            moved.countDown();
            received.set(ctx.syscalls().receive(Duration.ofSeconds(30)).orElseThrow().body());
            t.join();
        }).near(near));
        await(ready);
        p.migrate(far);
        await(moved);
        assertEquals(far, chip.clusterOf(threadCore.get()));
        assertEquals(far, chip.clusterOf(mainCore.get()));
        assertFalse(kernel.fleetCores().contains(threadCore.get()));
        ProcessStats stats = p.stats();
        for (CoreId c : stats.threads().values()) {
            assertEquals(far, chip.clusterOf(c), "the process manager records the moved threads: " + stats.threads());
        }
        assertTrue(kernel.report().userThreads(far) >= 2, "the DQDT counts the threads at their new cluster");
        release.countDown();
        AtomicReference<Address> host = new AtomicReference<>();
        assertEquals(0, kernel.spawn(ProcessSpec.of("sender", ctx -> {
            host.set(ctx.syscalls().lookup("/apps/nomad"));
            ctx.syscalls().send("/apps/nomad", new Ping("follow"));
        }).near(near)).waitFor(WAIT));
        assertEquals(far, chip.clusterOf(host.get().core()), "the name now resolves to the new cluster");
        assertEquals(0, p.waitFor(WAIT));
        assertEquals(new Ping("follow"), received.get());
    }

    @Test
    void reportShowsFleetsTrafficPagesAndTheThreadGrid() throws Exception {
        assertEquals(0, kernel.spawn(ProcessSpec.of("reporter", ctx -> ctx.syscalls().allocPages(2))).waitFor(WAIT));
        KernelReport r = kernel.report();
        assertTrue(r.pagesTotal() == chip.totalPages());
        assertTrue(r.localPageRatio() > 0 && r.localPageRatio() <= 1);
        assertTrue(r.messages() > 0 && r.hopBytes() > 0 && r.energyPicojoules() > 0);
        assertEquals(List.of("names", "pages", "processes", "mailboxes"),
                r.fleets().stream().map(KernelReport.FleetLoad::name).toList());
        for (KernelReport.FleetLoad f : r.fleets()) {
            assertTrue(f.requests() > 0, f.toString());
        }
        KernelReport.FleetLoad processes = r.fleets().get(2);
        assertTrue(processes.calls() > 0 && processes.p50Micros() > 0 && processes.p99Micros() >= processes.p50Micros());
        String text = r.text();
        assertTrue(text.contains("user threads per cluster"), text);
        String[] lines = text.split("\n");
        int gridStart = java.util.Arrays.asList(lines).indexOf(
                "user threads per cluster (x right, y down; * marks a cluster with fleet members):");
        assertEquals(gridStart + 1 + chip.meshHeight(), lines.length, "one grid line per mesh row");
        String json = r.toJson();
        JsonCheck.parse(json);
        assertTrue(json.contains("\"localRatio\"") && json.contains("\"byHops\"") && json.contains("\"rows\""), json);
        String map = r.fleetMap();
        assertEquals(chip.meshHeight(), map.split("\n").length);
        assertEquals(2, map.chars().filter(ch -> ch == 'N').count(), map);
        assertEquals(2, map.chars().filter(ch -> ch == 'M').count(), map);
        assertEquals(4, map.chars().filter(ch -> ch == 'P').count(), map);
    }
}
