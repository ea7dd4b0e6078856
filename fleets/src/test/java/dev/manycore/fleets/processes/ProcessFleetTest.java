package dev.manycore.fleets.processes;

import dev.manycore.dqdt.Dqdt;
import dev.manycore.fleets.Client;
import dev.manycore.fleets.names.NameNotFoundException;
import dev.manycore.fleets.names.NameService;
import dev.manycore.messaging.Name;
import dev.manycore.messaging.NameResolver;
import dev.manycore.messaging.ThreadedEngine;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The process manager fleet and the mailbox hosts, driven through their blocking stubs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProcessFleetTest {

    private Topology chip;
    private ThreadedEngine engine;
    private Dqdt dqdt;
    private NameService names;
    private ProcessManager pm;
    private Mailboxes mailboxes;
    private Client client;
    private ProcessManagerClient processes;

    record Note(int n) {
    }

    @BeforeAll
    void boot() throws Exception {
        chip = Topology.tsar(2, 2);
        NameResolver resolver = NameService.newResolver(chip);
        engine = ThreadedEngine.builder(chip).workers(2).nameResolver(resolver).build();
        engine.start();
        dqdt = Dqdt.of(chip);
        names = NameService.builder(engine).publishTo(resolver).cores(List.of(chip.core(0))).start();
        names.fleet().whenView(v -> v.size() == 1).get(30, TimeUnit.SECONDS);
        pm = ProcessManager.builder(engine, dqdt, names).cores(List.of(chip.core(4))).maxProcesses(1).start();
        pm.fleet().whenView(v -> v.size() == 1).get(30, TimeUnit.SECONDS);
        mailboxes = Mailboxes.on(engine, 4, Duration.ofSeconds(10));
        client = Client.open(engine, chip.core(9));
        processes = pm.client(client);
    }

    @AfterAll
    void stop() {
        engine.shutdown();
    }

    @Test
    void aStaleReferenceNeverReachesTheProcessThatReusesItsPid() {
        ProcessPlacement first = processes.spawn("first", 0, null);
        assertFalse(pm.reservedCores().contains(first.core()), "never on a fleet core");
        assertEquals(1, dqdt.threads(first.core()), "the main thread is charged to its core");
        assertEquals(new ExitStatus(1, true, 5, false), processes.exit(first.process(), 5));
        assertEquals(0, dqdt.threads(first.core()), "and given back at exit");
        assertThrows(OutOfPidsException.class, () -> {
            ProcessPlacement a = processes.spawn("a", 0, null);
            try {
                processes.spawn("b", 0, null);
            } finally {
                processes.exit(a.process(), 0);
            }
        }, "one PID: the second live process is refused");
        ProcessPlacement second = processes.spawn("second", 0, null);
        assertEquals(first.process().pid(), second.process().pid(), "the only PID is reused");
        assertNotEquals(first.process().incarnation(), second.process().incarnation());
        assertThrows(NoSuchProcessException.class, () -> processes.kill(first.process()));
        assertFalse(processes.statistics(second.process()).killed(), "the stale kill reached nobody");
        processes.exit(second.process(), 0);
        ProcessCensus census = pm.census(client);
        assertEquals(0, census.processes());
        assertEquals(1, census.freePids());
    }

    @Test
    void procNamesAreRegisteredAndDeletedByTheManager() {
        ProcessPlacement p = processes.spawn("named", 0, null);
        MailboxRef box = mailboxes.open(client, p.core(), p.process().pid());
        processes.publish(p.process(), box.host());
        Name proc = ProcessManager.procName(p.process().pid());
        assertEquals(box.host(), names.client(chip.core(9), "t").blocking().lookup(proc));
        processes.exit(p.process(), 0);
        mailboxes.close(client, box);
        assertThrows(NameNotFoundException.class, () -> names.client(chip.core(10), "t").blocking().lookup(proc));
    }

    @Test
    void aMovedMailboxKeepsItsLettersAndForwardsLateOnes() throws Exception {
        CoreId a = chip.core(6);
        CoreId b = chip.core(14);
        MailboxRef box = mailboxes.open(client, a, 77);
        Name name = Name.of("/test/box");
        mailboxes.bind(client, box, name);
        mailboxes.deliver(client, box, new Letter(1, null, new Note(1)));
        mailboxes.deliver(client, box.host(), name, new Letter(1, null, new Note(2)));
        MailboxRef moved = mailboxes.move(client, box, b);
        assertEquals(b, moved.host().core());
        assertEquals(moved, mailboxes.deliver(client, box, new Letter(1, null, new Note(3))), "the old place forwards");
        assertEquals(moved, mailboxes.deliver(client, box.host(), name, new Letter(1, null, new Note(4))),
                "a name still resolved to the old place follows too");
        assertThrows(MailboxFullException.class, () -> mailboxes.deliver(client, moved, new Letter(1, null, new Note(5))),
                "capacity 4: the fifth unread letter is refused");
        for (int n = 1; n <= 4; n++) {
            Optional<Letter> l = mailboxes.receive(client, n == 2 ? box : moved, Duration.ofSeconds(5));
            assertEquals(new Note(n), l.orElseThrow().body(), "letters keep their order through the move");
        }
        assertEquals(Optional.empty(), mailboxes.receive(client, moved, Duration.ZERO));
        MailboxCensus during = mailboxes.census(client);
        assertEquals(1, during.forwards());
        assertEquals(0, mailboxes.close(client, moved));
        assertEquals(0, mailboxes.close(client, box), "closing the old reference drops its forward");
        MailboxCensus after = mailboxes.census(client);
        assertEquals(0, after.open());
        assertEquals(0, after.forwards());
        assertThrows(MailboxClosedException.class, () -> mailboxes.deliver(client, moved, new Letter(1, null, new Note(6))));
        assertTrue(after.delivered() >= 4);
    }
}
