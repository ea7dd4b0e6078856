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
 * block outside their context.
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

    private final SimAgentContext ctx;
    private final BlockingProgram program;
    private final long handOffTimeoutNanos;
    private final ArrayDeque<Envelope<Object>> inbox = new ArrayDeque<>();
    private volatile int turn = ENGINE;
    private Thread programThread;
    private Thread engineThread;
    private int waiting = RUNNING;
    private long waitCorrelation;
    private long deadline = Long.MAX_VALUE;
    private Envelope<Object> result;
    private boolean stopping;
    private long nextCorrelation = 1L << 62;

    /**
     * @param context             the agent's context (of the simulated engine)
     * @param program             the program
     * @param handOffTimeoutNanos host time the engine waits for the program to reach a call
     */
    public ProgramAgent(dev.manycore.messaging.AgentContext context, BlockingProgram program, long handOffTimeoutNanos) {
        this.ctx = (SimAgentContext) context;
        this.program = program;
        this.handOffTimeoutNanos = handOffTimeoutNanos;
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
            engineThread = Thread.currentThread();
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
        engineThread = Thread.currentThread();
        turn = PROGRAM;
        LockSupport.unpark(programThread);
        return awaitEngineTurn();
    }

    private int awaitEngineTurn() {
        long limit = System.nanoTime() + handOffTimeoutNanos;
        while (turn != ENGINE) {
            long left = limit - System.nanoTime();
            if (left <= 0) {
                waiting = EXITED;
                LOG.error("program at {} did not reach a system call within {} ms of host time: a program in simulation "
                        + "must block only through its ProgramContext; its agent is crashed", ctx.address(),
                        handOffTimeoutNanos / 1_000_000);
                ctx.sim.crashAgent(ctx);
                return 1;
            }
            LockSupport.parkNanos(this, left);
        }
        if (waiting != EXITED && deadline != Long.MAX_VALUE) {
            ctx.wakeAt(deadline);
        }
        return 1;
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
                program.run(this);
            }
        } catch (ProgramStopped stopped) {
            LOG.debug("program at {} stopped by shutdown", ctx.address());
        } catch (Exception | Error e) {
            LOG.error("program at {} failed", ctx.address(), e);
        } finally {
            waiting = EXITED;
            turn = ENGINE;
            LockSupport.unpark(engineThread);
        }
    }

    private void awaitProgramTurn() {
        while (turn != PROGRAM) {
            LockSupport.park(this);
        }
    }

    /** Program thread: hands control to the engine until the pending call completes. */
    private Envelope<Object> block(int what, long timeoutNanos) {
        waiting = what;
        long d = ctx.now() + timeoutNanos;
        deadline = d < 0 ? Long.MAX_VALUE : d;
        result = null;
        turn = ENGINE;
        LockSupport.unpark(engineThread);
        awaitProgramTurn();
        waiting = RUNNING;
        deadline = Long.MAX_VALUE;
        if (stopping) {
            throw new ProgramStopped();
        }
        return result;
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
        ProgramStopped() {
            super("the simulated engine shut down while the program was blocked", null, false, false);
        }
    }
}
