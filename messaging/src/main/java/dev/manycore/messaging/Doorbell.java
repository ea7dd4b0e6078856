package dev.manycore.messaging;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The wake-up signal of one consumer thread (an engine worker, or the owner of a stand-alone
 * mailbox): senders ring it after they enqueue; the consumer parks on it when it has nothing to do.
 * The fos microkernel's mailbox "configured to generate interrupts to the receiving client" (fos
 * paper 3.1.1), done as a Dekker-style handshake with no lost wake-up and no cost for a running
 * consumer beyond one load.
 *
 * <pre>
 *   consumer (parking)                      sender
 *   state = PARKED        (volatile store)  claim a slot         (CAS / volatile store)
 *   any input claimed?    (volatile load)   state == PARKED?     (volatile load)
 *     yes: state = RUNNING, do not park       yes: CAS PARKED -> RUNNING, unpark(consumer)
 *     no:  park while state == PARKED          no: nothing (the consumer runs or will see the slot)
 * </pre>
 *
 * <p>Why no wake-up is lost: all four accesses are synchronization actions, so they have a total
 * order. If the consumer's check misses the sender's claim, the check precedes the claim, so the
 * consumer's store of PARKED precedes the sender's load of the state, which then sees PARKED and
 * unparks. The sender's claim must be a volatile write (the mailbox's CAS, the channel's volatile
 * slot store) and its input check a volatile read; {@link LockSupport#unpark} before
 * {@link LockSupport#park} is remembered, so the order of unpark and park does not matter.
 *
 * <p>Thread-safety: {@link #ring()} from any thread; {@link #prepareToPark()}, {@link #cancelPark()}
 * and {@link #park(long)} from the consumer thread only.
 */
public final class Doorbell {

    static final int RUNNING = 0;
    static final int PARKED = 1;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Doorbell.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile Thread consumer;
    private volatile int state;

    /**
     * @param consumer the thread that parks on this doorbell; may be changed by {@link #bind(Thread)}
     */
    public Doorbell(Thread consumer) {
        this.consumer = consumer;
    }

    /**
     * Hands the doorbell to another consumer thread, before that thread first parks.
     *
     * @param thread the new consumer
     */
    public void bind(Thread thread) {
        this.consumer = thread;
    }

    /** @return the thread that parks on this doorbell */
    public Thread consumer() {
        return consumer;
    }

    /**
     * Sender side, after the message is claimed: wakes the consumer if it is parked or parking.
     * Costs one load when the consumer is running.
     */
    public void ring() {
        if ((int) STATE.getVolatile(this) == PARKED && STATE.compareAndSet(this, PARKED, RUNNING)) {
            LockSupport.unpark(consumer);
        }
    }

    /** Consumer side: announces the intent to park; the consumer must then check its inputs once more. */
    public void prepareToPark() {
        STATE.setVolatile(this, PARKED);
    }

    /** Consumer side: the re-check found input; run on. */
    public void cancelPark() {
        STATE.setVolatile(this, RUNNING);
    }

    /**
     * Consumer side, after {@link #prepareToPark()} and an empty re-check: parks until rung, until
     * {@code deadlineNanos} of {@link System#nanoTime()} when it is not {@link Long#MAX_VALUE}, or
     * until interrupted. Spurious returns of {@link LockSupport#park} are absorbed.
     *
     * @param deadlineNanos the latest wake-up time, or {@link Long#MAX_VALUE} for none
     * @return true when rung, false on deadline or interrupt
     */
    public boolean park(long deadlineNanos) {
        while ((int) STATE.getVolatile(this) == PARKED) {
            if (Thread.currentThread().isInterrupted()) {
                STATE.setVolatile(this, RUNNING);
                return false;
            }
            if (deadlineNanos == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else {
                long wait = deadlineNanos - System.nanoTime();
                if (wait <= 0) {
                    STATE.setVolatile(this, RUNNING);
                    return false;
                }
                LockSupport.parkNanos(this, wait);
            }
        }
        return true;
    }

    /** @return true while the consumer is parked or about to park */
    public boolean isParked() {
        return (int) STATE.getVolatile(this) == PARKED;
    }
}
