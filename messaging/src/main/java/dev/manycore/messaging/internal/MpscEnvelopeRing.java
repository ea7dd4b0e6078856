package dev.manycore.messaging.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded many-producer, single-consumer ring of envelopes: the queue inside every
 * {@link dev.manycore.messaging.Mailbox}. The algorithm is JCTools' {@code MpscArrayQueue}
 * (producers claim a slot by CAS on the producer index, bounded by a cached producer limit; the
 * consumer owns the consumer index; a slot is published by a release store of its payload) with
 * three changes: each slot carries the envelope's header (in the parallel arrays of
 * {@link EnvelopeSlots}, so a message allocates nothing beyond its payload and the payload array
 * stays as dense as JCTools'), a closed bit in the producer index makes close linearisable against
 * sends, and the consumer reads a slot in place before consuming it.
 *
 * <pre>
 *   payloads[s]  headers[2s], headers[2s+1]  (EnvelopeSlots)     tags[s]  (the sender's right)
 *   producerIndex: bit 62 = CLOSED, bits 0..61 = next index to claim
 * </pre>
 *
 * <p>Linearisation points: an offer takes effect at its successful CAS of the producer index (order
 * among producers is CAS order, hence per-producer order is program order); a close at the CAS that
 * sets the closed bit, so every offer either precedes it and is in the ring, or follows it and
 * answers CLOSED; a take at the release store of the consumer index (once per batch,
 * {@link #releaseTaken()}, which is when the taken slots become free for producers).
 *
 * <p>Relaxed and strict receive, as JCTools' {@code relaxedPoll}/{@code drain} and {@code poll}:
 * {@link #peekSlot()} answers "nothing" as soon as the next slot's payload is not published, without
 * reading the producer index (a line every producer writes), so an idle consumer polling an empty
 * ring costs producers nothing, and a consumer never waits for a sender that was preempted between
 * its claim and its publish; the message is taken by a later receive. {@link #awaitSlot()} and
 * {@link #take()} are strict: they see a claimed slot and wait for its publication. Either way
 * {@link #isEmpty()} is false from the claim on, which is what the park re-check reads.
 *
 * <p>Memory ordering: the producer writes the header and the tag with plain stores, then the payload
 * with a release store; the consumer reads the payload with an acquire load before the header. The
 * consumer clears the payload with a plain store before releasing the consumer index, which
 * producers read with acquire before reusing the slot, directly or through the cached producer
 * limit (release store, acquire load, as in JCTools). A taken slot keeps its tag (a send right)
 * until reused, and a producer stores it only when it changes. Producer methods are thread-safe;
 * consumer methods must be called by one thread at a time, with happens-before between successive
 * consumers.
 */
public final class MpscEnvelopeRing extends MpscEnvelopeRingConsumerFields {

    /** {@link #offer} enqueued the envelope. */
    public static final int OK = 0;
    /** {@link #offer} found the ring full and enqueued nothing. */
    public static final int FULL = 1;
    /** {@link #offer} found the ring closed and enqueued nothing. */
    public static final int CLOSED = 2;

    static final long CLOSED_BIT = 1L << 62;

    private final Object[] tags;

    /**
     * @param capacity a power of two, already validated by the caller
     */
    public MpscEnvelopeRing(int capacity) {
        super(capacity);
        this.tags = new Object[capacity];
    }

    /**
     * Enqueues one envelope. Lock-free: a failed CAS means another producer progressed.
     *
     * @param payload     not null
     * @param tag         the sender's tag (its send right), stored beside the payload
     * @param correlation the correlation id
     * @param sendTime    the send time in the engine's clock
     * @return {@link #OK}, {@link #FULL} or {@link #CLOSED}
     */
    public int offer(Object payload, Object tag, long correlation, long sendTime) {
        long limit = (long) PRODUCER_LIMIT.getAcquire(this);
        long p;
        do {
            p = (long) PRODUCER_INDEX.getVolatile(this);
            if ((p & CLOSED_BIT) != 0) {
                return CLOSED;
            }
            if (p >= limit) {
                limit = (long) CONSUMER_INDEX.getAcquire(this) + capacity();
                if (p >= limit) {
                    return FULL;
                }
                // A stale smaller value written by a racing producer just costs a re-read. Release, read
                // with acquire (JCTools' soProducerLimit/lvProducerLimit): a producer that claims below
                // a cached limit is ordered after the consumer's frees that limit was computed from,
                // so its slot writes (and its read of the slot's tag) follow the consumer's last use of the slot.
                PRODUCER_LIMIT.setRelease(this, limit);
            }
        } while (!PRODUCER_INDEX.compareAndSet(this, p, p + 1));
        int slot = (int) p & mask;
        writeHeader(slot, correlation, sendTime);
        // A slot keeps its tag after being taken; with a steady sender the tag is already there, so a
        // load replaces a reference store and its GC write barrier. Safe: only producers write the
        // tag, and this producer owns the slot since its claim.
        if (tags[slot] != tag) {
            tags[slot] = tag;
        }
        PAYLOADS.setRelease(payloads, slot, payload);
        return OK;
    }

    /**
     * Closes the ring to producers. Idempotent; thread-safe.
     *
     * @return true if this call closed it, false if it was already closed
     */
    public boolean close() {
        long p;
        do {
            p = (long) PRODUCER_INDEX.getVolatile(this);
            if ((p & CLOSED_BIT) != 0) {
                return false;
            }
        } while (!PRODUCER_INDEX.compareAndSet(this, p, p | CLOSED_BIT));
        return true;
    }

    /** @return true once {@link #close()} has taken effect */
    public boolean isClosed() {
        return ((long) PRODUCER_INDEX.getVolatile(this) & CLOSED_BIT) != 0;
    }

    /**
     * A volatile read of both indexes; exact when called by the consumer with no producer active.
     *
     * @return the number of claimed slots not yet taken
     */
    public int size() {
        long p = (long) PRODUCER_INDEX.getVolatile(this) & ~CLOSED_BIT;
        long c = (long) CONSUMER_INDEX.getVolatile(this);
        return (int) Math.max(0, Math.min(capacity(), p - c));
    }

    /**
     * Whether a slot has been claimed and not taken. A volatile read of the producer index, so the
     * park/wake-up handshake can rely on it: a sender's claiming CAS and a parking consumer's
     * volatile store of its parked state cannot both miss each other.
     *
     * @return true when nothing is claimed and not taken
     */
    public boolean isEmpty() {
        return ((long) PRODUCER_INDEX.getVolatile(this) & ~CLOSED_BIT) == (long) CONSUMER_INDEX.getVolatile(this);
    }

    /**
     * Consumer only, strict: takes the next envelope and hands its slot back to producers at once.
     * When a producer has claimed the slot but not yet published it, this waits until it does.
     *
     * @return the payload, or null when nothing is claimed
     */
    public Object take() {
        int slot = awaitSlot();
        if (slot < 0) {
            return null;
        }
        Object payload = payloads[slot];
        consume(slot);
        releaseTaken();
        return payload;
    }

    /**
     * Consumer only, relaxed: locates the next published envelope without taking it, for a consumer
     * that reads the slot in place ({@link #payloadAt}, {@link #tagAt}, {@link #correlationAt},
     * {@link #sendTimeAt}) and then calls {@link #consume(int)}. Answers -1 when the next slot is not
     * published, even if a producer has claimed it (see the class comment).
     *
     * @return the slot, or -1
     */
    public int peekSlot() {
        int slot = (int) consumerCursor & mask;
        return PAYLOADS.getAcquire(payloads, slot) == null ? -1 : slot;
    }

    /**
     * Consumer only, strict: as {@link #peekSlot()}, but a slot claimed and not yet published is
     * waited for (a few instructions away, unless its producer was preempted).
     *
     * @return the slot, or -1 when nothing is claimed
     */
    public int awaitSlot() {
        long c = consumerCursor;
        int slot = (int) c & mask;
        if (PAYLOADS.getAcquire(payloads, slot) == null) {
            if (c == ((long) PRODUCER_INDEX.getVolatile(this) & ~CLOSED_BIT)) {
                return -1;
            }
            do {
                Thread.onSpinWait();
            } while (PAYLOADS.getAcquire(payloads, slot) == null);
        }
        return slot;
    }

    /**
     * Consumer only, relaxed (as {@link #peekSlot()}): hands up to {@code limit} published slots, in
     * order, to {@code consumer}, each while it is still published, and takes each one when the call
     * returns (also when it throws). The loop keeps the array, mask and cursor in locals and hands
     * the taken slots back to producers once, at the end (the release store of the consumer index,
     * as {@link #releaseTaken()}).
     *
     * @param consumer reads each envelope in place
     * @param limit    the most envelopes to hand over
     * @return the number handed over
     */
    public int drain(SlotConsumer consumer, int limit) {
        final Object[] buffer = payloads;
        final int m = mask;
        long c = consumerCursor;
        int n = 0;
        try {
            while (n < limit) {
                int slot = (int) c & m;
                if (PAYLOADS.getAcquire(buffer, slot) == null) {
                    break;
                }
                n++;
                try {
                    consumer.onSlot(slot);
                } finally {
                    buffer[slot] = null;
                    c++;
                }
            }
        } finally {
            consumerCursor = c;
            CONSUMER_INDEX.setRelease(this, c);
        }
        return n;
    }

    @Override
    public Object tagAt(int slot) {
        return tags[slot];
    }

    /**
     * Consumer only: takes the slot found by {@link #peekSlot()} or {@link #awaitSlot()}; it returns
     * to producers at the next {@link #releaseTaken()}. The tag is left in place (overwritten when
     * the slot is reused): one reference store, with its GC barrier, fewer per message.
     *
     * @param slot the slot found
     */
    public void consume(int slot) {
        payloads[slot] = null;
        consumerCursor++;
    }

    /**
     * Consumer only: hands every slot consumed since the last call back to producers (a release
     * store of the consumer index: the slots' clearing happens-before their reuse). Call it after a
     * batch, in a {@code finally} block.
     */
    public void releaseTaken() {
        CONSUMER_INDEX.setRelease(this, consumerCursor);
    }
}

/** Padding before the producer fields: keeps them off the cache line of the object header and neighbours. */
abstract class MpscEnvelopeRingPad0 extends EnvelopeSlots {
    MpscEnvelopeRingPad0(int capacity) {
        super(capacity);
    }

    byte p000, p001, p002, p003, p004, p005, p006, p007, p008, p009, p010, p011, p012, p013, p014, p015;
    byte p016, p017, p018, p019, p020, p021, p022, p023, p024, p025, p026, p027, p028, p029, p030, p031;
    byte p032, p033, p034, p035, p036, p037, p038, p039, p040, p041, p042, p043, p044, p045, p046, p047;
    byte p048, p049, p050, p051, p052, p053, p054, p055, p056, p057, p058, p059, p060, p061, p062, p063;
    byte p064, p065, p066, p067, p068, p069, p070, p071, p072, p073, p074, p075, p076, p077, p078, p079;
    byte p080, p081, p082, p083, p084, p085, p086, p087, p088, p089, p090, p091, p092, p093, p094, p095;
    byte p096, p097, p098, p099, p100, p101, p102, p103, p104, p105, p106, p107, p108, p109, p110, p111;
    byte p112, p113, p114, p115, p116, p117, p118, p119, p120, p121, p122, p123, p124, p125, p126, p127;
}

/** The fields every producer writes: the claim index and the cached limit. */
abstract class MpscEnvelopeRingProducerFields extends MpscEnvelopeRingPad0 {
    static final VarHandle PRODUCER_INDEX;
    static final VarHandle PRODUCER_LIMIT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PRODUCER_INDEX = lookup.findVarHandle(MpscEnvelopeRingProducerFields.class, "producerIndex", long.class);
            PRODUCER_LIMIT = lookup.findVarHandle(MpscEnvelopeRingProducerFields.class, "producerLimit", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    long producerIndex;
    long producerLimit;

    MpscEnvelopeRingProducerFields(int capacity) {
        super(capacity);
    }
}

/** Padding between producer and consumer fields. */
abstract class MpscEnvelopeRingPad1 extends MpscEnvelopeRingProducerFields {
    byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
    byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
    byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
    byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
    byte q064, q065, q066, q067, q068, q069, q070, q071, q072, q073, q074, q075, q076, q077, q078, q079;
    byte q080, q081, q082, q083, q084, q085, q086, q087, q088, q089, q090, q091, q092, q093, q094, q095;
    byte q096, q097, q098, q099, q100, q101, q102, q103, q104, q105, q106, q107, q108, q109, q110, q111;
    byte q112, q113, q114, q115, q116, q117, q118, q119, q120, q121, q122, q123, q124, q125, q126, q127;

    MpscEnvelopeRingPad1(int capacity) {
        super(capacity);
    }
}

/** The consumer's indexes: the released one (read by producers) and its private cursor. */
abstract class MpscEnvelopeRingConsumerFields extends MpscEnvelopeRingPad1 {
    static final VarHandle CONSUMER_INDEX;

    static {
        try {
            CONSUMER_INDEX = MethodHandles.lookup()
                    .findVarHandle(MpscEnvelopeRingConsumerFields.class, "consumerIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Published to producers (release) once per batch: slots below it are free. */
    long consumerIndex;
    /** Consumer only: the next slot to take; runs ahead of {@link #consumerIndex} within a batch. */
    long consumerCursor;

    MpscEnvelopeRingConsumerFields(int capacity) {
        super(capacity);
    }

    byte r000, r001, r002, r003, r004, r005, r006, r007, r008, r009, r010, r011, r012, r013, r014, r015;
    byte r016, r017, r018, r019, r020, r021, r022, r023, r024, r025, r026, r027, r028, r029, r030, r031;
    byte r032, r033, r034, r035, r036, r037, r038, r039, r040, r041, r042, r043, r044, r045, r046, r047;
    byte r048, r049, r050, r051, r052, r053, r054, r055, r056, r057, r058, r059, r060, r061, r062, r063;
    byte r064, r065, r066, r067, r068, r069, r070, r071, r072, r073, r074, r075, r076, r077, r078, r079;
    byte r080, r081, r082, r083, r084, r085, r086, r087, r088, r089, r090, r091, r092, r093, r094, r095;
    byte r096, r097, r098, r099, r100, r101, r102, r103, r104, r105, r106, r107, r108, r109, r110, r111;
    byte r112, r113, r114, r115, r116, r117, r118, r119, r120, r121, r122, r123, r124, r125, r126, r127;
}
