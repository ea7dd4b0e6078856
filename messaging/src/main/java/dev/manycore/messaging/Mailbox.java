package dev.manycore.messaging;

import dev.manycore.messaging.internal.MpscEnvelopeRing;
import dev.manycore.messaging.internal.PayloadCheck;
import dev.manycore.messaging.internal.SlotConsumer;
import dev.manycore.numa.Topology;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A receive mailbox of the fos microkernel (fos paper 3.1.1; fos report 4.2): bounded, many
 * senders, one receiver (the owner), capacity a power of two fixed at creation.
 *
 * <p><b>Sending</b> needs a {@link SendRight} issued by {@link #grant(Address)}. A send never blocks
 * and never drops silently: it answers {@link SendStatus#DELIVERED}, {@link SendStatus#FULL}
 * (nothing enqueued, retry later), {@link SendStatus#CLOSED} or {@link SendStatus#DENIED}. Messages
 * sent with one right from one thread are received in send order; there is no global order.
 *
 * <p><b>Receiving</b> ({@link #poll()}, {@link #drain(MessageHandler, int)}) is for the owner
 * thread only; in checked mode (the default) another thread gets a {@link WrongThreadException}.
 * The owner starts as the creating thread and changes with {@link #handOver(Thread)}. {@link #poll()}
 * is strict: it waits for a sender that has claimed the next slot to publish it. {@link #drain} is
 * relaxed, as JCTools' {@code drain}: it stops at a slot claimed and not yet published (its sender
 * is between the claim and the publish, or preempted there) and a later drain takes it; every send
 * that returned DELIVERED before the drain began is received by it (up to the limit), and
 * {@link #isEmpty()} is false meanwhile, so a consumer that re-checks before parking never misses it.
 *
 * <p><b>Notification</b>: a mailbox built with a {@link Doorbell} rings it after every enqueue, so a
 * parked owner wakes; the ring costs one load while the owner runs (see {@link Doorbell} for the
 * handshake).
 *
 * <p><b>Checked mode</b> also refuses payloads of mutable classes ({@link IllegalArgumentException}
 * naming the class), with the verdict cached per class in a {@link ClassValue}.
 *
 * <p>Holding the mailbox object is the receive capability and the right to grant and revoke; hand
 * senders {@link SendRight}s, never the mailbox.
 *
 * <p>Linearisation points: a send at the CAS that claims its slot; {@link #close()} at the CAS
 * that sets the ring's closed bit (every send either precedes it and stays receivable, or follows it
 * and answers CLOSED); {@link #revoke}/{@link #revokeAll} at their volatile stores of an epoch (a
 * send whose epoch check follows them in synchronization order answers DENIED).
 *
 * @param <T> the payload type
 */
public final class Mailbox<T> {

    /** The smallest capacity. */
    public static final int MIN_CAPACITY = 2;
    /** The largest capacity, 2^24 messages. */
    public static final int MAX_CAPACITY = 1 << 24;
    /** The capacity of {@link #builder(Address)} unless set. */
    public static final int DEFAULT_CAPACITY = 1024;

    static final int CLOSED_EPOCH = -1;
    private static final VarHandle EPOCH;

    static {
        try {
            EPOCH = MethodHandles.lookup().findVarHandle(Mailbox.class, "epoch", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Address address;
    private final MpscEnvelopeRing ring;
    private final boolean checked;
    private final Topology topology;
    private final Clock clock;
    private final Doorbell doorbell;
    private final Envelope<T> view;
    private final Delivery<T> delivery;
    private volatile int epoch;
    private volatile Thread owner;

    private Mailbox(Builder b) {
        this.address = b.address;
        this.ring = new MpscEnvelopeRing(b.capacity);
        this.checked = b.checked;
        this.topology = b.topology;
        this.clock = b.clock;
        this.doorbell = b.doorbell;
        this.owner = Thread.currentThread();
        this.view = Envelope.view(ring, address);
        this.delivery = new Delivery<>(view);
    }

    /**
     * @param address  the mailbox's address
     * @param capacity a power of two from {@value #MIN_CAPACITY} to 2^24
     * @return a checked mailbox owned by the calling thread, with no doorbell and no topology (hops 0)
     * @throws IllegalArgumentException if the capacity is not a power of two or out of range
     */
    public static <T> Mailbox<T> create(Address address, int capacity) {
        return Mailbox.<T>builder(address).capacity(capacity).build();
    }

    /**
     * @param address the mailbox's address
     * @return a builder: capacity {@value #DEFAULT_CAPACITY}, checked, system clock, no doorbell, no topology
     */
    public static <T> Builder<T> builder(Address address) {
        return new Builder<>(Objects.requireNonNull(address, "address is null: a mailbox has an address"));
    }

    // ---------------------------------------------------------------- rights

    /**
     * Issues a right to send to this mailbox. Thread-safe (the caller holds the mailbox, which is the
     * authority to grant).
     *
     * @param holder the sender's address, written into every envelope sent with the right
     * @return a new right, valid until revoked or until this mailbox closes
     * @throws IllegalArgumentException if the holder's core is not in this mailbox's topology
     */
    public SendRight<T> grant(Address holder) {
        Objects.requireNonNull(holder, "holder is null: a right is granted to a sender address");
        int hops = 0;
        if (topology != null) {
            hops = topology.distance(topology.clusterOf(holder.core()), topology.clusterOf(address.core()));
        }
        return new SendRight<>(this, holder, hops, Math.max(epoch, 0));
    }

    /**
     * Revokes one right: every send with it that starts after this returns answers DENIED.
     * Idempotent; thread-safe.
     *
     * @param right a right of this mailbox
     * @throws IllegalArgumentException if the right was granted by another mailbox
     */
    public void revoke(SendRight<T> right) {
        checkOwnRight(right);
        right.revoke();
    }

    /**
     * Revokes every right granted so far; rights granted afterwards are valid. Thread-safe.
     * No effect on a closed mailbox.
     */
    public void revokeAll() {
        int e;
        do {
            e = epoch;
            if (e == CLOSED_EPOCH) {
                return;
            }
        } while (!EPOCH.compareAndSet(this, e, e == Integer.MAX_VALUE ? 0 : e + 1));
    }

    // ---------------------------------------------------------------- sending

    /**
     * Sends with correlation id 0 at the time of this mailbox's clock. See
     * {@link #send(SendRight, Object, long, long)}.
     *
     * @param right   a right granted by this mailbox
     * @param payload the message, not null, immutable in checked mode
     * @return the outcome
     */
    public SendStatus send(SendRight<T> right, T payload) {
        return send(right, payload, 0L, clock.nanos());
    }

    /**
     * Enqueues a message. Never blocks; lock-free (a failed claim means another sender progressed).
     * Thread-safe. On any status but DELIVERED nothing was enqueued.
     *
     * @param right         a right granted by this mailbox
     * @param payload       the message, not null, immutable in checked mode
     * @param correlationId pairs a reply with its request; 0 when unused
     * @param sendTime      the send time, in the engine's clock
     * @return DELIVERED, FULL, CLOSED or DENIED
     * @throws NullPointerException     if the payload or right is null
     * @throws IllegalArgumentException if the right belongs to another mailbox, or (checked mode) the payload class is mutable
     */
    public SendStatus send(SendRight<T> right, T payload, long correlationId, long sendTime) {
        SendStatus refused = admit(right, payload);
        return refused != null ? refused : enqueue(payload, right, correlationId, sendTime);
    }

    /**
     * The checks of every send, whatever its transport (this mailbox or a channel to its owner):
     * payload not null, right of this mailbox, right valid (a right's epoch is never
     * {@link #CLOSED_EPOCH}, so one compare admits a valid right and the closed case is sorted out
     * only on refusal), payload class immutable in checked mode. The class test is cached per right,
     * in unchecked mode too (where every class passes): a send of the class that passed last costs
     * one load and one compare, with no separate test of the mode.
     *
     * @return null when the send may go ahead, else CLOSED or DENIED
     */
    SendStatus admit(SendRight<?> right, Object payload) {
        if (payload == null) {
            throw new NullPointerException("payload is null: every message to " + address + " carries a payload");
        }
        if (right.mailbox() != this) {
            throw wrongMailbox(right);
        }
        int e = epoch;
        if (right.epoch() != e) {
            return e == CLOSED_EPOCH ? SendStatus.CLOSED : SendStatus.DENIED;
        }
        if (payload.getClass() != right.checkedClass) {
            admitClass(right, payload);
        }
        return null;
    }

    /**
     * The first send of a payload class with a right, or the first after another class: checks the
     * class in checked mode, then caches it in the right.
     */
    private void admitClass(SendRight<?> right, Object payload) {
        if (checked) {
            PayloadCheck.requireImmutable(payload);
        }
        right.checkedClass = payload.getClass();
    }

    /** Enqueues with no right or payload check: control messages of {@link Endpoint}. */
    SendStatus enqueue(Object payload, SendRight<?> right, long correlationId, long sendTime) {
        int r = ring.offer(payload, right, correlationId, sendTime);
        if (r == MpscEnvelopeRing.OK) {
            if (doorbell != null) {
                doorbell.ring();
            }
            return SendStatus.DELIVERED;
        }
        return r == MpscEnvelopeRing.FULL ? SendStatus.FULL : SendStatus.CLOSED;
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Owner only. Takes one message as a detached envelope (one allocation; {@link #drain} allocates
     * nothing).
     *
     * @return the next message, or null when the mailbox is empty
     * @throws WrongThreadException in checked mode, if the caller is not the owner
     */
    public Envelope<T> poll() {
        checkOwner("poll");
        MpscEnvelopeRing r = ring;
        int slot = r.awaitSlot();
        if (slot < 0) {
            return null;
        }
        SendRight<?> right = (SendRight<?>) r.tagAt(slot);
        @SuppressWarnings("unchecked")
        T typed = (T) r.payloadAt(slot);
        Envelope<T> e = Envelope.of(right.holder(), address, r.correlationAt(slot), typed, r.sendTimeAt(slot),
                right.hops());
        r.consume(slot);
        r.releaseTaken();
        return e;
    }

    /**
     * Owner only. Hands up to {@code limit} messages to {@code handler}, in queue order, through one
     * reused envelope view (no allocation); relaxed (see the class comment). See
     * {@link MessageHandler} for what happens when the handler throws.
     *
     * @param handler receives each message
     * @param limit   the most messages to take, 1 or more
     * @return the number of messages handed over
     * @throws IllegalArgumentException if the limit is not positive
     * @throws WrongThreadException     in checked mode, if the caller is not the owner
     */
    public int drain(MessageHandler<? super T> handler, int limit) {
        checkOwner("drain");
        checkLimit(limit);
        @SuppressWarnings("unchecked")
        MessageHandler<T> h = (MessageHandler<T>) handler;
        Delivery<T> d = delivery;
        d.handler = h;
        return ring.drain(d, limit);
    }

    /**
     * What the ring's drain hands each slot to: points the view at it and calls the handler of the
     * current {@link #drain}. Owner thread only, as the drain.
     */
    private static final class Delivery<T> implements SlotConsumer {
        final Envelope<T> view;
        MessageHandler<T> handler;

        Delivery(Envelope<T> view) {
            this.view = view;
        }

        @Override
        public void onSlot(int slot) {
            view.at(slot);
            handler.onMessage(view);
        }
    }

    // ---------------------------------------------------------------- life cycle and state

    /**
     * Closes the mailbox: every send that starts afterwards answers CLOSED, every right becomes
     * invalid. Messages already enqueued stay receivable by the owner, so none is lost silently:
     * drain them, or count them as undelivered. Idempotent; thread-safe.
     */
    public void close() {
        EPOCH.setVolatile(this, CLOSED_EPOCH);
        ring.close();
    }

    /** @return true once {@link #close()} was called */
    public boolean isClosed() {
        return epoch == CLOSED_EPOCH;
    }

    /**
     * Gives the receive side to another thread. The caller must make this call happen-before the new
     * owner's first receive (for example, call it before starting the new owner, or from it).
     *
     * @param newOwner the thread that will receive
     */
    public void handOver(Thread newOwner) {
        this.owner = Objects.requireNonNull(newOwner, "newOwner is null");
    }

    /** @return the thread allowed to receive in checked mode */
    public Thread owner() {
        return owner;
    }

    /** @return the address senders name */
    public Address address() {
        return address;
    }

    /** @return the fixed capacity, a power of two */
    public int capacity() {
        return ring.capacity();
    }

    /** @return the messages enqueued and not yet received (a racy snapshot while senders run) */
    public int size() {
        return ring.size();
    }

    /** @return true when no message is enqueued (volatile read; usable in a park re-check) */
    public boolean isEmpty() {
        return ring.isEmpty();
    }

    /** @return true when payloads and the receiving thread are checked */
    public boolean isChecked() {
        return checked;
    }

    /** @return the doorbell rung after every enqueue, or null */
    public Doorbell doorbell() {
        return doorbell;
    }

    int epoch() {
        return epoch;
    }

    MpscEnvelopeRing ring() {
        return ring;
    }

    void checkOwner(String operation) {
        if (checked && Thread.currentThread() != owner) {
            throw new WrongThreadException(operation + " on mailbox " + address + " from thread '"
                    + Thread.currentThread().getName() + "': only its owner '" + owner.getName() + "' may receive");
        }
    }

    static void checkLimit(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit " + limit + " is not positive: a drain takes at least 1 message");
        }
    }

    private void checkOwnRight(SendRight<T> right) {
        if (right.mailbox() != this) {
            throw wrongMailbox(right);
        }
    }

    private IllegalArgumentException wrongMailbox(SendRight<?> right) {
        return new IllegalArgumentException("send right for mailbox " + right.destination() + " used on mailbox "
                + address + ": a right is valid only for the mailbox that granted it");
    }

    @Override
    public String toString() {
        return "Mailbox[" + address + ", " + size() + "/" + capacity() + (isClosed() ? ", closed" : "") + "]";
    }

    /**
     * Configures a mailbox. Not thread-safe.
     *
     * @param <T> the payload type
     */
    public static final class Builder<T> {
        private final Address address;
        private int capacity = DEFAULT_CAPACITY;
        private boolean checked = true;
        private Topology topology;
        private Clock clock = Clock.system();
        private Doorbell doorbell;

        private Builder(Address address) {
            this.address = address;
        }

        /**
         * @param capacity a power of two from {@value #MIN_CAPACITY} to 2^24
         * @return this builder
         * @throws IllegalArgumentException if the capacity is not a power of two or out of range
         */
        public Builder<T> capacity(int capacity) {
            if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY) {
                throw new IllegalArgumentException("mailbox capacity " + capacity + " is out of range: it must be "
                        + MIN_CAPACITY + " to " + MAX_CAPACITY);
            }
            if (Integer.bitCount(capacity) != 1) {
                throw new IllegalArgumentException("mailbox capacity " + capacity
                        + " is not a power of two: capacities are powers of two (for example "
                        + Integer.highestOneBit(capacity) + " or " + (Integer.highestOneBit(capacity) << 1) + ")");
            }
            this.capacity = capacity;
            return this;
        }

        /**
         * @param checked true to check payload immutability and the receiving thread (the default)
         * @return this builder
         */
        public Builder<T> checked(boolean checked) {
            this.checked = checked;
            return this;
        }

        /**
         * @param topology the topology whose distances give each right's hop count
         * @return this builder
         * @throws IllegalArgumentException if the mailbox's core is not in the topology
         */
        public Builder<T> topology(Topology topology) {
            topology.clusterOf(address.core());
            this.topology = topology;
            return this;
        }

        /**
         * @param clock the clock of {@link Mailbox#send(SendRight, Object)}
         * @return this builder
         */
        public Builder<T> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock is null");
            return this;
        }

        /**
         * @param doorbell rung after every enqueue, to wake the owner when it parks
         * @return this builder
         */
        public Builder<T> doorbell(Doorbell doorbell) {
            this.doorbell = Objects.requireNonNull(doorbell, "doorbell is null");
            return this;
        }

        /** @return the mailbox, owned by the calling thread */
        public Mailbox<T> build() {
            return new Mailbox<>(this);
        }
    }
}
