package dev.manycore.fleets.processes;

import dev.manycore.fleets.Client;
import dev.manycore.fleets.Request;
import dev.manycore.fleets.Server;
import dev.manycore.fleets.internal.processes.MailboxHost;
import dev.manycore.fleets.internal.processes.MailboxRequests.Bind;
import dev.manycore.fleets.internal.processes.MailboxRequests.Close;
import dev.manycore.fleets.internal.processes.MailboxRequests.Deliver;
import dev.manycore.fleets.internal.processes.MailboxRequests.HostCensus;
import dev.manycore.fleets.internal.processes.MailboxRequests.HostCounts;
import dev.manycore.fleets.internal.processes.MailboxRequests.MoveOut;
import dev.manycore.fleets.internal.processes.MailboxRequests.Open;
import dev.manycore.fleets.internal.processes.MailboxRequests.Receive;
import dev.manycore.fleets.internal.processes.MailboxRequests.Received;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Engine;
import dev.manycore.messaging.Name;
import dev.manycore.numa.CoreId;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process mailboxes of a machine (fos paper 3.1 and 3.4): one mailbox host per core that runs
 * processes, started on first use, keeps the mailboxes of the processes on that core. A process
 * mailbox is a {@link MailboxRef}; names registered in the name service point at the host, which
 * knows which of its mailboxes holds each name. The methods are blocking requests sent from a
 * {@link Client} (the caller's core gateway).
 *
 * <p>Engine mailboxes live as long as the engine, so process mailboxes are kept in the hosts rather
 * than as one engine mailbox each: opening and closing them costs one request, and ten thousand
 * processes leave no engine mailbox behind.
 *
 * <p>Thread-safe.
 */
public final class Mailboxes {

    /** The default number of unread letters a process mailbox keeps. */
    public static final int DEFAULT_CAPACITY = 4096;

    private final Engine engine;
    private final int capacity;
    private final Duration timeout;
    private final Map<CoreId, Address> hosts = new ConcurrentHashMap<>();

    private Mailboxes(Engine engine, int capacity, Duration timeout) {
        this.engine = engine;
        this.capacity = capacity;
        this.timeout = timeout;
    }

    /**
     * @param engine   the engine
     * @param capacity the most unread letters per mailbox, positive
     * @param timeout  how long a request may take, positive
     * @return the machine's process mailboxes, no host started yet
     */
    public static Mailboxes on(Engine engine, int capacity, Duration timeout) {
        Objects.requireNonNull(engine, "engine is null");
        if (capacity < 1) {
            throw new IllegalArgumentException("mailbox capacity " + capacity + " must be positive");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("mailbox timeout " + timeout + " must be positive");
        }
        return new Mailboxes(engine, capacity, timeout);
    }

    /**
     * @param core a core
     * @return the address of its mailbox host, started now if it had none
     */
    public Address hostOf(CoreId core) {
        engine.topology().core(Objects.requireNonNull(core, "core is null").index());
        return hosts.computeIfAbsent(core, c -> Server.spawn(engine, c, new MailboxHost(capacity), c.index()));
    }

    /** @return the cores that have a mailbox host */
    public int hostCount() {
        return hosts.size();
    }

    /**
     * Opens a mailbox for a process on a core.
     *
     * @param from the requesting gateway
     * @param core the core whose host keeps it
     * @param pid  the owning process
     * @return the mailbox
     */
    public MailboxRef open(Client from, CoreId core, long pid) {
        return call(from, hostOf(core), new Open(pid));
    }

    /**
     * Binds a name to a mailbox on its host (the name service registration is separate).
     *
     * @param from    the requesting gateway
     * @param mailbox the mailbox
     * @param name    the name
     */
    public void bind(Client from, MailboxRef mailbox, Name name) {
        call(from, mailbox.host(), new Bind(mailbox.id(), Objects.requireNonNull(name, "name is null")));
    }

    /**
     * Delivers a letter to a mailbox (followed through moves).
     *
     * @param from   the requesting gateway
     * @param to     the mailbox
     * @param letter the letter
     * @return the mailbox that took it
     * @throws MailboxClosedException if it is closed
     * @throws MailboxFullException   if it is full
     */
    public MailboxRef deliver(Client from, MailboxRef to, Letter letter) {
        return call(from, to.host(), new Deliver(to.id(), null, Objects.requireNonNull(letter, "letter is null")));
    }

    /**
     * Delivers a letter to the mailbox bound to a name on a host (the address a name lookup gave).
     *
     * @param from   the requesting gateway
     * @param host   the host the name resolved to
     * @param name   the name
     * @param letter the letter
     * @return the mailbox that took it
     * @throws MailboxClosedException if no mailbox there holds the name (any more)
     */
    public MailboxRef deliver(Client from, Address host, Name name, Letter letter) {
        return call(from, host, new Deliver(0, Objects.requireNonNull(name, "name is null"),
                Objects.requireNonNull(letter, "letter is null")));
    }

    /**
     * Takes the next letter of a mailbox, waiting up to {@code wait}.
     *
     * @param from    the requesting gateway
     * @param mailbox the mailbox
     * @param wait    how long to wait, zero or more
     * @return the letter, or empty if none came in time
     * @throws InterruptedException if the caller is interrupted while it waits (a letter that
     *                              arrives for this receive afterwards is lost)
     */
    public Optional<Letter> receive(Client from, MailboxRef mailbox, Duration wait) throws InterruptedException {
        if (wait.isNegative()) {
            throw new IllegalArgumentException("receive wait " + wait + " is negative");
        }
        try {
            Received r = from.waitForInterruptibly(
                    from.call(mailbox.host(), new Receive(mailbox.id(), wait.toNanos()), wait.plus(timeout)));
            return Optional.ofNullable(r.letter());
        } catch (RuntimeException e) {
            throw RemoteErrors.translate(e);
        }
    }

    /**
     * Closes a mailbox, or the forwarding entry a moved one left.
     *
     * @param from    the requesting gateway
     * @param mailbox the mailbox
     * @return the unread letters dropped
     */
    public int close(Client from, MailboxRef mailbox) {
        return call(from, mailbox.host(), new Close(mailbox.id()));
    }

    /**
     * Moves a mailbox to another core's host: letters, names and waiting receivers follow, and the
     * old place forwards until closed.
     *
     * @param from    the requesting gateway
     * @param mailbox the mailbox
     * @param core    the target core
     * @return the mailbox at its new place
     */
    public MailboxRef move(Client from, MailboxRef mailbox, CoreId core) {
        return call(from, mailbox.host(), new MoveOut(mailbox.id(), hostOf(core)));
    }

    /**
     * Sums every host's counters (blocking).
     *
     * @param from the requesting gateway
     * @return the census
     */
    public MailboxCensus census(Client from) {
        int open = 0;
        int forwards = 0;
        long delivered = 0;
        for (Address host : hosts.values()) {
            HostCounts c = call(from, host, new HostCensus());
            open += c.open();
            forwards += c.forwards();
            delivered += c.delivered();
        }
        return new MailboxCensus(hosts.size(), open, forwards, delivered);
    }

    private <R> R call(Client from, Address host, Request<R> request) {
        return call(from, host, request, timeout);
    }

    private static <R> R call(Client from, Address host, Request<R> request, Duration limit) {
        try {
            return from.waitFor(from.call(host, request, limit));
        } catch (RuntimeException e) {
            throw RemoteErrors.translate(e);
        }
    }

    @Override
    public String toString() {
        return "Mailboxes[" + hosts.size() + " hosts]";
    }
}
