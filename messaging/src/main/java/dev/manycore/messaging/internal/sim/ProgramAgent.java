package dev.manycore.messaging.internal.sim;

import dev.manycore.messaging.Address;
import dev.manycore.messaging.Agent;
import dev.manycore.messaging.BlockingProgram;
import dev.manycore.messaging.Envelope;
import dev.manycore.messaging.ProgramContext;
import dev.manycore.messaging.SendStatus;
import dev.manycore.numa.CoreId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a {@link BlockingProgram} in virtual time as an agent (the design of {@link ProgramContext}):
 * the program has its own virtual thread, and control passes between it and the engine thread by
 * a strict hand-off, so one of the two runs at a time.
 *
 * <pre>
 *   engine (in doWork)                       program thread
 *   turn = PROGRAM; unpark(program)   --->   runs until a blocking call:
 *   wait until turn == ENGINE         &lt;---   record what it waits for; turn = ENGINE; unpark(engine);
 *   (next cycles: a matching message,        wait until turn == PROGRAM
 *    or the deadline, hands over again)
 * </pre>
 * {@code turn} is volatile: everything one side wrote before handing over is visible to the other.
 * The engine waits at most the hand-off timeout of host time, a watchdog against programs that
 * block outside their context. It waits on the engine's monitor, which releases it: the program
 * may call the engine's synchronized methods during its turn (inject, spawn), as the engine thread
 * itself could, while every other thread still waits for the run to end.
 *
 * <p>Besides its own calls and receives, a program may wait for any future that agents complete
 * ({@link #awaitFuture}, behind {@code SimulatedEngine.await}): a callback on the future, run on the
 * engine thread when an agent completes it, schedules the program's agent at that moment, whose
 * next cycle hands control back. {@link #interrupt()} ends such a wait at the current virtual
 * time, the deterministic counterpart of {@link Thread#interrupt()}.
 *
 * <p>Engine-side methods run on the simulation's host thread; context methods on the program's.
 */
public final class ProgramAgent implements Agent, ProgramContext {

    private static final Logger LOG = LoggerFactory.getLogger(ProgramAgent.class);
    private static final int ENGINE = 0;
    private static final int PROGRAM = 1;
    private static final int RUNNING = 0;
    private static final int RECEIVING = 1;
    private static final int CALLING = 2;
    private static final int EXITED = 3;
    private static final int AWAITING = 4;

    /** The program agent whose thread is the calling thread; bound around the program's body. */
    private static final ScopedValue<ProgramAgent> CURRENT = ScopedValue.newInstance();

    private SimAgentContext ctx;
    private BlockingProgram program;
    private final long handOffTimeoutNanos;
    private final ArrayDeque<Envelope<Object>> inbox = new ArrayDeque<>();
    private volatile int turn = ENGINE;
    private Thread programThread;
    private int waiting = RUNNING;
    private long waitCorrelation;
    private long deadline = Long.MAX_VALUE;
    private Envelope<Object> result;
    private boolean stopping;
    private long nextCorrelation = 1L << 62;
    private final Object monitor;
    private Runnable onAbandoned;
    private CompletableFuture<?> awaited;
    private boolean interruptPending;
    private volatile boolean abandoned;

    /**
     * A program not yet bound to its agent context ({@link #bind}, from the agent's factory).
     *
     * @param program             the program
     * @param handOffTimeoutNanos host time the engine waits for the program to reach a call
     * @param monitor             the lock the driving thread holds during runs (the engine), released
     *                            while the program has its turn
     * @param onAbandoned         run on the engine thread after the watchdog stopped the program, or null
     */
    public ProgramAgent(BlockingProgram program, long handOffTimeoutNanos, Object monitor, Runnable onAbandoned) {
        this.program = program;
        this.handOffTimeoutNanos = handOffTimeoutNanos;
        this.monitor = monitor;
        this.onAbandoned = onAbandoned;
    }

    /**
     * @param context the agent's context (of the simulated engine)
     * @return this agent, bound to it
     */
    public ProgramAgent bind(dev.manycore.messaging.AgentContext context) {
        this.ctx = (SimAgentContext) context;
        return this;
    }

    /**
     * @return the program agent whose thread calls this, or null when the caller is not a program's thread
     */
    public static ProgramAgent current() {
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    /**
     * @param simulation a simulation
     * @return true when this program runs in it
     */
    public boolean runsIn(Simulation simulation) {
        return ctx.sim == simulation;
    }

    // ---------------------------------------------------------------- engine side

    @Override
    public int doWork() {
        if (waiting == EXITED) {
            // an exited program receives nothing: what arrives stays queued and is reported undelivered
            return 0;
        }
        if (programThread == null) {
            programThread = Thread.ofVirtual().name("program-" + ctx.address()).unstarted(this::body);
            turn = PROGRAM;
            programThread.start();
            return awaitEngineTurn();
        }
        int n = ctx.receive(e -> inbox.add(e.detach()), 64);
        if (waiting == RECEIVING && !inbox.isEmpty()) {
            result = inbox.poll();
            return handOver();
        }
        if (waiting == CALLING) {
            Envelope<Object> reply = takeReply(waitCorrelation);
            if (reply != null) {
                result = reply;
                return handOver();
            }
        }
        if (waiting == AWAITING && (awaited.isDone() || interruptPending)) {
            result = null;
            return handOver();
        }
        if (ctx.now() >= deadline) {
            result = null;
            return handOver();
        }
        if (deadline != Long.MAX_VALUE) {
            ctx.wakeAt(deadline);
        }
        return n;
    }

    private int handOver() {
        turn = PROGRAM;
        LockSupport.unpark(programThread);
        return awaitEngineTurn();
    }

    private int awaitEngineTurn() {
        long limit = System.nanoTime() + handOffTimeoutNanos;
        boolean interrupted = false;
        synchronized (monitor) {
            while (turn != ENGINE) {
                long left = limit - System.nanoTime();
                if (left <= 0) {
                    abandon();
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (abandoned) {
            return 1;
        }
        if (waiting != EXITED && deadline != Long.MAX_VALUE) {
            ctx.wakeAt(deadline);
        }
        return 1;
    }

    /** The watchdog fired: the program blocked outside its context. Its agent crashes; it is never resumed. */
    private void abandon() {
        abandoned = true;
        waiting = EXITED;
        LOG.error("program at {} did not reach a system call within {} ms of host time: a program in simulation "
                + "must block only through its system calls (no sleep, lock, I/O or foreign future); it is stopped "
                + "and its agent crashed", ctx.address(), handOffTimeoutNanos / 1_000_000);
        ctx.sim.crashAgent(ctx);
        if (onAbandoned != null) {
            onAbandoned.run();
        }
    }

    /**
     * Ends a wait of {@link #awaitFuture} at the current virtual time with an
     * {@link InterruptedException}, or, if the program is not waiting there, the next one. Called on
     * the engine thread between events, or by another program during its turn.
     */
    public void interrupt() {
        if (waiting == EXITED) {
            return;
        }
        interruptPending = true;
        if (waiting == AWAITING) {
            ctx.wakeAt(ctx.sim.now());
        }
    }

    @Override
    public void onClose() {
        if (programThread != null && waiting != EXITED && waiting != RUNNING) {
            stopping = true;
            handOver();
        }
    }

    @Override
    public String roleName() {
        return "program";
    }

    private Envelope<Object> takeReply(long correlation) {
        for (Iterator<Envelope<Object>> it = inbox.iterator(); it.hasNext(); ) {
            Envelope<Object> e = it.next();
            if (e.correlationId() == correlation) {
                it.remove();
                return e;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- program side

    private void body() {
        awaitProgramTurn();
        try {
            if (!stopping) {
                ScopedValue.where(CURRENT, this).call(() -> {
                    program.run(this);
                    return null;
                });
            }
        } catch (ProgramStopped stopped) {
            LOG.debug("program at {} stopped: {}", ctx.address(), stopped.getMessage());
        } catch (Exception | Error e) {
            LOG.error("program at {} failed", ctx.address(), e);
        } finally {
            program = null;
            if (!abandoned) {
                // what the program and its watchdog action refer to is garbage now (the engine keeps its agents)
                onAbandoned = null;
                waiting = EXITED;
                handBack();
            }
        }
    }

    /** Program thread: gives the turn back, under the monitor the engine thread waits on. */
    private void handBack() {
        synchronized (monitor) {
            turn = ENGINE;
            monitor.notifyAll();
        }
    }

    /**
     * Parks until the engine gives the turn. A {@link Thread#interrupt()} meanwhile does not end
     * the wait (only the engine gives turns); it is kept and set again when the turn comes.
     */
    private void awaitProgramTurn() {
        boolean interrupted = false;
        while (turn != PROGRAM) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Program thread: hands control to the engine until the pending call completes. */
    private Envelope<Object> block(int what, long timeoutNanos) {
        if (abandoned) {
            throw new ProgramStopped("the engine stopped this program: it blocked outside its system calls");
        }
        if (stopping) {
            throw new ProgramStopped("the simulated engine shut down: the program cannot block any more");
        }
        waiting = what;
        long d = ctx.now() + timeoutNanos;
        deadline = d < 0 ? Long.MAX_VALUE : d;
        result = null;
        handBack();
        awaitProgramTurn();
        waiting = RUNNING;
        deadline = Long.MAX_VALUE;
        if (stopping) {
            throw new ProgramStopped("the simulated engine shut down while the program was blocked");
        }
        return result;
    }

    /**
     * Program thread: hands control to the engine until {@code future} is done, the timeout of
     * virtual time passes, or {@link #interrupt()} is called.
     *
     * @param future       the future, completed on the engine thread (or by a program during its turn)
     * @param timeoutNanos 0 or more
     * @return true when the future is done
     * @throws InterruptedException if interrupted before or during the wait (the thread's interrupt
     *                              status counts too, and is cleared)
     */
    public boolean awaitFuture(CompletableFuture<?> future, long timeoutNanos) throws InterruptedException {
        if (Thread.interrupted() | interruptPending) {
            interruptPending = false;
            throw new InterruptedException("program at " + ctx.address() + " was interrupted");
        }
        if (future.isDone()) {
            return true;
        }
        if (timeoutNanos == 0) {
            return false;
        }
        awaited = future;
        future.whenComplete((v, e) -> {
            if (awaited == future) {
                // resume at the completer's own clock: an agent (or program) completes it in its cycle
                SimAgentContext by = ctx.sim.scheduler.current();
                ctx.wakeAt(by != null ? by.local : ctx.sim.now());
            }
        });
        try {
            block(AWAITING, timeoutNanos);
        } finally {
            awaited = null;
        }
        if (interruptPending && !future.isDone()) {
            interruptPending = false;
            throw new InterruptedException("program at " + ctx.address() + " was interrupted while it waited");
        }
        return future.isDone();
    }

    @Override
    public Address address() {
        return ctx.address();
    }

    @Override
    public CoreId core() {
        return ctx.core();
    }

    @Override
    public long now() {
        return ctx.now();
    }

    @Override
    public SendStatus send(Address to, Object payload, long correlationId) {
        return ctx.send(to, payload, correlationId);
    }

    @Override
    public Envelope<Object> call(Address to, Object request, long timeoutNanos) {
        if (timeoutNanos < 1) {
            throw new IllegalArgumentException("call timeout " + timeoutNanos + " ns is not positive");
        }
        long id = nextCorrelation++;
        if (ctx.send(to, request, id) != SendStatus.DELIVERED) {
            return null;
        }
        waitCorrelation = id;
        return block(CALLING, timeoutNanos);
    }

    @Override
    public Envelope<Object> receive(long timeoutNanos) {
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("receive timeout " + timeoutNanos + " ns is negative");
        }
        if (!inbox.isEmpty()) {
            return inbox.poll();
        }
        return timeoutNanos == 0 ? null : block(RECEIVING, timeoutNanos);
    }

    @Override
    public void compute(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("compute time " + nanos + " ns is negative");
        }
        ctx.local += nanos;
    }

    /** Unwinds a program blocked in a call when the engine shuts down. */
    private static final class ProgramStopped extends RuntimeException {
        ProgramStopped(String message) {
            super(message, null, false, false);
        }
    }
}
