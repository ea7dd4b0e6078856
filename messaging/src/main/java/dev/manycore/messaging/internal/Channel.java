package dev.manycore.messaging.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A single-producer, single-consumer ring between two endpoints that talk often: the user-space
 * fast path of Barrelfish URPC that fos report 4.2 lists beside the kernel mailbox. One sender, one
 * receiver, no claim CAS and no right check per slot; a slot is published by a store of its payload
 * and freed by a store of null (the FastFlow / JCTools {@code SpscArrayQueue} scheme), so the
 * consumer never reads the producer's index. As in JCTools, the producer looks ahead: it reads
 * the slot {@code lookAhead} positions on, and while that one is free it writes without reading
 * any slot the consumer writes (one read of a consumer-written line per {@code lookAhead} sends).
 * Unlike JCTools, when that slot is still taken the producer does not creep on into the slots
 * freed one by one right behind the consumer: it reads the index the consumer releases at the end
 * of each batch and takes every slot below it at once. Behind a slower consumer (a busy server),
 * creeping moved a line between the two cores for every message; measured on a 2-vCPU VM, a
 * receiver doing some work per message gained a quarter to a half in throughput.
 *
 * <p><b>Headers.</b> Sender, receiver and hop count are the channel's own (fixed for its two
 * endpoints), so no slot holds them. The correlation id is a word per slot. The send time
 * travels in the ring as a <em>time
 * mark</em>, only when it changes: a slot whose payload is {@link #TIME} and whose send-time word
 * holds the new time, just before the first message sent at that time. The consumer keeps the time
 * of the last mark it passed, which is the send time of every message up to the next mark. A
 * sender that sends at one time for a while (the engine stamps a duty cycle's sends with one time)
 * so makes three stores per message (payload, correlation and index) where it made four.
 *
 * <pre>
 *   payloads[s], headers[2s] = correlation, headers[2s+1] = send time of a TIME slot (EnvelopeSlots)
 *   ... | m1 | m2 | TIME(t2) | m3 | m4 | ...    m1, m2 sent at t1 (the opening time or an earlier mark)
 *   one slot is kept free for the CLOSE marker: data is FULL when neither the look-ahead slot is
 *   free nor the released consumer index leaves slot (p + 1) free; a message at a new send time
 *   needs two slots (mark and message) besides that one
 *   producerLimit: slots below it are known free (slot limit itself too, for CLOSE)
 *   fastLimit: producerLimit with no doorbell (it may lag, never lead); the lowest long with one
 * </pre>
 *
 * <p><b>Chunks.</b> The consumer looks ahead too: when the slot {@link #CHUNK} - 1 past its index is
 * published, so is every slot before it (the producer publishes in index order; only a time mark,
 * published after the message behind it, can lag, and the consumer takes marks one by one). It then
 * hands the chunk over with plain loads after that one acquire load, and frees it with plain stores
 * after one release fence. A chunk never crosses the end of the array, so both loops run over
 * plain array indexes. Why: C2 compiled the earlier loop, an acquire and a release per slot, in
 * two shapes from one JVM to the next, one of them about a third slower (the loop peeled, its
 * locals reloaded from the stack); the chunk loop has no barrier to reload around, and it ran at
 * the fast shape's speed in most JVMs measured (benchmarks/results, session 10).
 *
 * <p>Linearisation points: a send at the store of its payload, or, for a send at a new time, at
 * the store of its time mark (the message is stored first, so a consumer that sees the mark sees
 * the message after it); a take at the store of null into its slot (a release store, or a plain
 * store after a release fence for a chunk); the close at the
 * volatile store of {@link #CLOSE}. With a doorbell, the publishing store (payload, or mark) is
 * volatile, not just release, because it is the sender's half of the {@link
 * dev.manycore.messaging.Doorbell} handshake (a store that must precede the load of the receiver's
 * parked state); with none, a release store suffices (nobody parks).
 *
 * <p>Why the look-ahead is safe: the consumer frees slots in index order, so when the slot of index
 * {@code p + lookAhead} is free, its previous element ({@code p + lookAhead - capacity}) and every
 * element before it were taken: the slots of indexes {@code p} to {@code p + lookAhead} are all free,
 * and the acquire load of that null orders the consumer's earlier frees before the producer's
 * writes. The released index is safe the same way: the consumer stores it with release semantics
 * after freeing every slot below it, and the producer loads it with acquire semantics.
 *
 * <p>The producer's and the consumer's private indexes sit on separate cache lines (padding
 * superclasses, as in JCTools), so neither side's bookkeeping invalidates the other's line; the
 * only shared lines are the slots themselves and, when the ring is nearly full, the consumer's
 * index line, read once per refill.
 *
 * <p>Thread-safety: {@link #offer}, {@link #closeForSending()} from the producer thread only;
 * {@link #drain}, {@link #take()}, {@link #hasInput()} and {@link #sendTimeAt} from the consumer
 * thread only.
 */
public final class Channel extends ChannelConsumerFields {

    /** The marker that ends a channel: the last element the producer ever writes. */
    public static final Object CLOSE = new Object() {
        @Override
        public String toString() {
            return "CLOSE";
        }
    };

    /** The time mark: the send time changes here, to the value in the slot's send-time word. */
    static final Object TIME = new Object() {
        @Override
        public String toString() {
            return "TIME";
        }
    };

    /** The smallest capacity: a message at a new send time takes two slots, and one is kept for CLOSE. */
    public static final int MIN_CAPACITY = 4;

    /** Slots the consumer takes after one acquire load, when the last of them is published. */
    static final int CHUNK = 16;

    /** JCTools' bound on the look-ahead step. */
    private static final int MAX_LOOK_AHEAD = 4096;

    private static final VarHandle CONSUMER_INDEX;

    static {
        try {
            CONSUMER_INDEX = MethodHandles.lookup().findVarHandle(ChannelConsumerFields.class, "consumerIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object sender;
    private final int lookAhead;
    private final dev.manycore.messaging.Doorbell doorbell;

    /**
     * @param sender   the producer's tag (its send right), identifies the channel's sender at the receiver
     * @param capacity a power of two, {@value #MIN_CAPACITY} or more, validated by the caller
     * @param doorbell the receiver's doorbell, rung after each publish; null for none
     * @param openTime the send time in force before the first time mark (the opening's time): a
     *                 message sent at it needs no mark
     */
    public Channel(Object sender, int capacity, dev.manycore.messaging.Doorbell doorbell, long openTime) {
        super(capacity);
        this.sender = sender;
        this.lookAhead = Math.max(1, Math.min(capacity / 4, MAX_LOOK_AHEAD));
        this.doorbell = doorbell;
        this.lastSendTime = openTime;
        this.sendTime = openTime;
    }

    /** @return the tag of the producer */
    public Object sender() {
        return sender;
    }

    @Override
    public Object tagAt(int slot) {
        return sender;
    }

    /**
     * Consumer only, during the hand-over of a slot by {@link #drain}: the time of the last time
     * mark drained before it (or the opening time), which is the send time of its message.
     *
     * @param slot the slot being handed over
     * @return the send time of its message
     */
    @Override
    public long sendTimeAt(int slot) {
        return sendTime;
    }

    /**
     * Producer only. A send at the send time of the message before it, into a slot below {@code
     * fastLimit}, is the fast path: two compares, then the correlation, payload and index stores.
     * {@code fastLimit} follows {@code producerLimit} on a channel with no doorbell and stays at its
     * lowest on one with a doorbell, whose every send goes through the branch that publishes with a
     * volatile store and rings. So the fast path tests no doorbell, and the slower branches stay in
     * this method: moving them into a method of their own left it a real call, and C2 spilled the
     * sender's loop around that call (session 12, messaging/NOTES.md).
     *
     * @param payload     not null
     * @param correlation the correlation id
     * @param sendTime    the send time
     * @return true if published, false if full (nothing written)
     */
    public boolean offer(Object payload, long correlation, long sendTime) {
        long p = producerIndex;
        if (sendTime != lastSendTime) {
            return offerAtNewTime(p, payload, correlation, sendTime);
        }
        if (p >= fastLimit) {
            if (p >= producerLimit && !findRoom(p)) {
                return false;
            }
            if (doorbell != null) {
                int slot = (int) p & mask;
                writeCorrelation(slot, correlation);
                publishAndRing(slot, payload, p + 1);
                return true;
            }
            fastLimit = producerLimit;
        }
        int slot = (int) p & mask;
        writeCorrelation(slot, correlation);
        PAYLOADS.setRelease(payloads, slot, payload);
        producerIndex = p + 1;
        return true;
    }

    /**
     * Producer only: a time mark at {@code p} and the message at {@code p + 1}; the message is
     * stored first, so the mark publishes both.
     */
    private boolean offerAtNewTime(long p, Object payload, long correlation, long sendTime) {
        if (p + 1 >= producerLimit && !findRoom(p + 1)) {
            return false;
        }
        int mark = (int) p & mask;
        int slot = (int) (p + 1) & mask;
        writeSendTime(mark, sendTime);
        writeCorrelation(slot, correlation);
        PAYLOADS.setRelease(payloads, slot, payload);
        lastSendTime = sendTime;
        publish(mark, TIME, p + 2);
        return true;
    }

    /**
     * Producer only: the publishing store of {@code element} into {@code slot} (the linearisation
     * point of the send), then the producer's index. With a doorbell the store is volatile and the
     * doorbell is rung after it (the sender's half of the handshake); with none, a release store.
     *
     * <p>Called by {@link #offerAtNewTime} only: {@link #offer} does the same two steps itself, the
     * release store in its fast path and {@link #publishAndRing} in its branch for a channel with a
     * doorbell, so that its fast path does not test the doorbell.
     *
     * <p>Kept within HotSpot's {@code MaxInlineSize} (35 bytes, checked by a test): C2 inlines a
     * larger callee only at a call site its profile calls hot, and a sender that met a full ring
     * while profiled fails most offers, so a call site on the send path looks cold. At 52 bytes it
     * stayed a real call on every message in every JVM measured (when {@link #offer} called it).
     */
    private void publish(int slot, Object element, long nextIndex) {
        if (doorbell != null) {
            publishAndRing(slot, element, nextIndex);
            return;
        }
        PAYLOADS.setRelease(payloads, slot, element);
        producerIndex = nextIndex;
    }

    /** Producer only: {@link #publish} with a doorbell: a volatile store, then the ring. */
    private void publishAndRing(int slot, Object element, long nextIndex) {
        PAYLOADS.setVolatile(payloads, slot, element);
        producerIndex = nextIndex;
        doorbell.ring();
    }

    /**
     * Producer only: moves the limit on, by the look-ahead if its slot is free, else to every slot
     * the consumer has released (its index, published at the end of each {@link #drain} or
     * {@link #take}). Near a full ring the producer thus takes the released slots in one step,
     * instead of one slot at a time right behind the consumer, which bounced each line between the
     * two cores once per message. The last released slot stays free for {@link #CLOSE}.
     */
    private boolean findRoom(long p) {
        long ahead = p + lookAhead;
        if (PAYLOADS.getAcquire(payloads, (int) ahead & mask) == null) {
            producerLimit = ahead;
            return true;
        }
        long released = (long) CONSUMER_INDEX.getAcquire(this) + mask;
        if (released > p) {
            producerLimit = released;
            return true;
        }
        return false;
    }

    /**
     * Producer only: writes the close marker into the slot kept free for it. Idempotent.
     */
    public void closeForSending() {
        if (producerClosed) {
            return;
        }
        producerClosed = true;
        long p = producerIndex;
        PAYLOADS.setVolatile(payloads, (int) p & mask, CLOSE);
        producerIndex = p + 1;
        if (doorbell != null) {
            doorbell.ring();
        }
    }

    /**
     * Consumer only. Takes the next message, passing any time mark before it; after the {@link
     * #CLOSE} marker the channel is {@link #isFinished() finished} and returns null forever.
     *
     * @return the payload, {@link #CLOSE} once, or null when empty
     */
    public Object take() {
        while (!finished) {
            int slot = (int) consumerIndex & mask;
            Object payload = PAYLOADS.getAcquire(payloads, slot);
            if (payload == null) {
                return null;
            }
            if (payload == CLOSE) {
                finished = true;
            } else if (payload == TIME) {
                sendTime = sendTimeWord(slot);
            }
            PAYLOADS.setRelease(payloads, slot, null);
            CONSUMER_INDEX.setRelease(this, consumerIndex + 1);
            if (payload != TIME) {
                return payload;
            }
        }
        return null;
    }

    /**
     * Consumer only: hands up to {@code limit} published messages, in order, to {@code consumer},
     * each while its slot is still published, and frees every slot it takes before it returns (also
     * when it throws: the message being handed over then counts as taken). A time mark is taken on
     * the way (its time becomes {@link #sendTimeAt}'s answer); meeting {@link #CLOSE} takes it and
     * {@link #isFinished() finishes} the channel.
     *
     * <p>Two paths. While {@value #CHUNK} or more messages may still be handed over and the slot
     * {@value #CHUNK} - 1 ahead is published, the whole chunk is: its slots are read with plain loads
     * after that one acquire load, and freed together after one release fence, so the hand-over loop
     * has no memory barrier for the JIT to reload the consumer's fields around. A chunk never
     * crosses the ring's end, so both its loops run over plain array indexes, which C2 compiles
     * without bounds checks or masking (rings of fewer than {@value #CHUNK} slots never take this
     * path, and the up to {@value #CHUNK} - 1 slots before the end of each lap go one by one).
     * Otherwise, and for marks and {@link #CLOSE}, one slot at a time: an acquire load, the
     * hand-over, a release store of null. The ring's array, mask and index stay in locals and the
     * index is written back once, at the end.
     *
     * @param consumer reads each message in place
     * @param limit    the most messages to hand over
     * @return the number handed over (marks and {@link #CLOSE} not counted)
     */
    public int drain(SlotConsumer consumer, int limit) {
        if (finished) {
            return 0;
        }
        final Object[] buffer = payloads;
        final int m = mask;
        long c = consumerIndex;
        long freed = c;
        int n = 0;
        try {
            while (n < limit) {
                int first = (int) c & m;
                int end = first + CHUNK;
                if (end <= m + 1 && limit - n >= CHUNK && PAYLOADS.getAcquire(buffer, end - 1) != null) {
                    // a chunk that does not wrap: the producer published every slot before that one earlier, in
                    // order, but for a time mark (published after the message behind it), which the slot-by-slot
                    // path below takes. Array indexes, not masked ring indexes: C2 drops the bounds checks and
                    // unrolls both loops
                    int k = first;
                    for (; k < end; k++) {
                        Object payload = buffer[k];
                        if (payload == null || payload == TIME || payload == CLOSE) {
                            break;
                        }
                        consumer.onSlot(k);
                        c++;
                    }
                    n += k - first;
                    freed = c;
                    if (k == end) {
                        freeChunk(buffer, first);
                        continue;
                    }
                    free(buffer, first, k);
                }
                int slot = (int) c & m;
                Object payload = PAYLOADS.getAcquire(buffer, slot);
                if (payload == null) {
                    break;
                }
                if (payload == TIME) {
                    // the message after the mark was stored before it: the next slot is published
                    sendTime = sendTimeWord(slot);
                } else if (payload == CLOSE) {
                    finished = true;
                } else {
                    n++;
                    consumer.onSlot(slot);
                }
                PAYLOADS.setRelease(buffer, slot, null);
                freed = ++c;
                if (payload == CLOSE) {
                    break;
                }
            }
        } catch (Throwable t) {
            // only the consumer throws: the message it was handed at c is taken all the same. From freed to c is
            // one slot, or the part of a chunk handed over: never across the ring's end
            int from = (int) freed & m;
            free(buffer, from, from + (int) (c + 1 - freed));
            CONSUMER_INDEX.setRelease(this, c + 1);
            throw t;
        }
        CONSUMER_INDEX.setRelease(this, c);
        return n;
    }

    /**
     * Consumer only: frees the taken slots {@code from} to {@code to - 1} (array indexes, not
     * crossing the ring's end) with plain stores of null, after a release fence that orders the
     * consumer's reads of them before the nulls the producer acquires.
     */
    private static void free(Object[] buffer, int from, int to) {
        VarHandle.releaseFence();
        for (int j = from; j < to; j++) {
            buffer[j] = null;
        }
    }

    /**
     * Consumer only: {@link #free} of a whole chunk, {@code first} to {@code first + CHUNK - 1}. A
     * constant trip count, so C2 unrolls it fully.
     */
    private static void freeChunk(Object[] buffer, int first) {
        VarHandle.releaseFence();
        for (int j = 0; j < CHUNK; j++) {
            buffer[first + j] = null;
        }
    }

    /** @return consumer only: true once the close marker was taken */
    public boolean isFinished() {
        return finished;
    }

    /**
     * Consumer only, a volatile read: true when a message (or CLOSE) is published and not taken. A
     * published time mark counts: its message was published before it.
     *
     * @return whether {@link #drain} would find something
     */
    public boolean hasInput() {
        return !finished && PAYLOADS.getVolatile(payloads, (int) consumerIndex & mask) != null;
    }
}

/** Padding before the producer's fields. */
abstract class ChannelPad0 extends EnvelopeSlots {
    byte p000, p001, p002, p003, p004, p005, p006, p007, p008, p009, p010, p011, p012, p013, p014, p015;
    byte p016, p017, p018, p019, p020, p021, p022, p023, p024, p025, p026, p027, p028, p029, p030, p031;
    byte p032, p033, p034, p035, p036, p037, p038, p039, p040, p041, p042, p043, p044, p045, p046, p047;
    byte p048, p049, p050, p051, p052, p053, p054, p055, p056, p057, p058, p059, p060, p061, p062, p063;
    byte p064, p065, p066, p067, p068, p069, p070, p071, p072, p073, p074, p075, p076, p077, p078, p079;
    byte p080, p081, p082, p083, p084, p085, p086, p087, p088, p089, p090, p091, p092, p093, p094, p095;
    byte p096, p097, p098, p099, p100, p101, p102, p103, p104, p105, p106, p107, p108, p109, p110, p111;
    byte p112, p113, p114, p115, p116, p117, p118, p119, p120, p121, p122, p123, p124, p125, p126, p127;

    ChannelPad0(int capacity) {
        super(capacity);
    }
}

/** Producer-local state: written by the producer only. */
abstract class ChannelProducerFields extends ChannelPad0 {
    long producerIndex;
    long producerLimit;
    /** Below it, offer's fast path publishes: producerLimit on a channel with no doorbell, else none. */
    long fastLimit = Long.MIN_VALUE;
    /** The send time of the last mark written (the opening time before the first). */
    long lastSendTime;
    boolean producerClosed;

    ChannelProducerFields(int capacity) {
        super(capacity);
    }
}

/** Padding between the producer's and the consumer's fields. */
abstract class ChannelPad1 extends ChannelProducerFields {
    byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
    byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
    byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
    byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
    byte q064, q065, q066, q067, q068, q069, q070, q071, q072, q073, q074, q075, q076, q077, q078, q079;
    byte q080, q081, q082, q083, q084, q085, q086, q087, q088, q089, q090, q091, q092, q093, q094, q095;
    byte q096, q097, q098, q099, q100, q101, q102, q103, q104, q105, q106, q107, q108, q109, q110, q111;
    byte q112, q113, q114, q115, q116, q117, q118, q119, q120, q121, q122, q123, q124, q125, q126, q127;

    ChannelPad1(int capacity) {
        super(capacity);
    }
}

/** Consumer-local state, followed by padding that keeps it off the read-only fields' line. */
abstract class ChannelConsumerFields extends ChannelPad1 {
    long consumerIndex;
    /** The send time of the last mark taken (the opening time before the first). */
    long sendTime;
    boolean finished;

    ChannelConsumerFields(int capacity) {
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
