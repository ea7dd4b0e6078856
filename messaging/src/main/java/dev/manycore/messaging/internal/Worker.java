package dev.manycore.messaging.internal;

import dev.manycore.messaging.Doorbell;
import dev.manycore.numa.Affinity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One host thread of the threaded engine: it owns a fixed group of simulated cores and runs the duty
 * cycle of every agent on them (Agrona's agent runner, many agents composed on one thread). When a
 * whole cycle does no work it backs off: spin, then yield, then park on its {@link Doorbell} until a
 * message, a command or a requested wake-up time arrives. A parked worker uses no CPU.
 *
 * <pre>
 *   loop:  run commands (new agents)  ->  doWork() of every agent  ->  work? reset : idle step
 *   idle:  spins x (read the next cycle's send time, onSpinWait), yields x Thread.yield, then
 *          doorbell.prepareToPark; re-check (running, commands, every mailbox and inbound channel);
 *          park until rung or until the earliest wakeAt time
 * </pre>
 *
 * <p>Thread-safety: {@link #post}, {@link #stop()} from any thread; the rest runs on the worker's
 * own thread.
 */
public final class Worker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final long UNREAD = Long.MIN_VALUE;

    private final int index;
    private final Doorbell doorbell;
    private final TrafficStripe stripe;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final int spins;
    private final int yields;
    private final int pinCpu;
    private volatile boolean running = true;
    private ThreadedAgentContext[] agents = new ThreadedAgentContext[8];
    private int agentCount;
    private long deadline = Long.MAX_VALUE;
    /** The clock's time for this duty cycle, read at its first use; {@link #UNREAD} until then. */
    private long cycleTime = UNREAD;
    private int idleSteps;

    /**
     * @param index  the worker number
     * @param stripe its traffic counters
     * @param spins  idle spins before yielding
     * @param yields idle yields before parking
     * @param pinCpu the host CPU to pin to, or -1
     */
    public Worker(int index, TrafficStripe stripe, int spins, int yields, int pinCpu) {
        this.index = index;
        this.doorbell = new Doorbell(null);
        this.stripe = stripe;
        this.spins = spins;
        this.yields = yields;
        this.pinCpu = pinCpu;
    }

    /** @return the doorbell senders ring to wake this worker */
    public Doorbell doorbell() {
        return doorbell;
    }

    /** @return this worker's traffic counters */
    public TrafficStripe stripe() {
        return stripe;
    }

    /** @return the worker number */
    public int index() {
        return index;
    }

    /**
     * Runs a task on the worker's thread at its next cycle, and wakes the worker. Any thread.
     *
     * @param command the task
     */
    public void post(Runnable command) {
        commands.offer(command);
        doorbell.ring();
    }

    /** Asks the worker to finish its cycle, close its agents and end. Any thread. */
    public void stop() {
        running = false;
        doorbell.ring();
    }

    /**
     * Worker thread only: adds an agent to the duty cycle.
     *
     * @param agent the agent's context
     */
    void add(ThreadedAgentContext agent) {
        if (agentCount == agents.length) {
            agents = Arrays.copyOf(agents, agentCount * 2);
        }
        agents[agentCount++] = agent;
    }

    /**
     * Worker thread only: takes an agent out of the duty cycle and closes it
     * ({@link dev.manycore.messaging.Agent#onClose()}), keeping the others' order.
     *
     * @param address the agent's mailbox
     * @return true if the agent ran on this worker
     */
    public boolean remove(dev.manycore.messaging.Address address) {
        for (int i = 0; i < agentCount; i++) {
            if (agents[i].address().equals(address)) {
                ThreadedAgentContext agent = agents[i];
                System.arraycopy(agents, i + 1, agents, i, agentCount - i - 1);
                agents[--agentCount] = null;
                agent.closeAgent();
                return true;
            }
        }
        return false;
    }

    /**
     * Worker thread only: asks to run again no later than {@code time} of {@link System#nanoTime()}.
     *
     * @param time the wake-up time
     */
    void requestWakeUp(long time) {
        if (time < deadline) {
            deadline = time;
        }
    }

    /**
     * Worker thread only: the send time of every envelope sent in the current duty cycle, one time
     * per cycle. After an idle spin it is the clock read by that spin (the read that also checks a
     * {@link #requestWakeUp wake-up time}): the wait pays for the read, so a message that ends the
     * wait is answered without a clock read on its critical path (a read costs about 20 ns, as
     * much as the rest of the hop's work). Otherwise (the cycle
     * follows a busy cycle, a yield or a park) the clock is read at the first call in the cycle.
     * Either way the time is taken at most one idle step before the cycle starts and no later than
     * its first send; as before, a message that arrives later in the same cycle may be answered
     * with a time earlier than its own send time.
     *
     * @return the current duty cycle's time in the engine clock
     */
    long cycleTime() {
        long t = cycleTime;
        if (t == UNREAD) {
            t = System.nanoTime();
            cycleTime = t;
        }
        return t;
    }

    @Override
    public void run() {
        doorbell.bind(Thread.currentThread());
        if (pinCpu >= 0 && !Affinity.pinCurrentThread(pinCpu)) {
            LOG.info("worker {} runs unpinned", index);
        }
        try {
            while (running) {
                cycle();
            }
            runCommands();
        } finally {
            for (int i = 0; i < agentCount; i++) {
                agents[i].closeAgent();
            }
        }
    }

    /**
     * One pass: commands, every agent's duty cycle, then an idle step if nothing was done. A method
     * of its own so that the JIT compiles it as a method, with its whole profile, rather than only
     * as an on-stack replacement of {@link #run}'s loop, whose quality depends on when it happens.
     */
    private void cycle() {
        int work = runCommands();
        for (int i = 0; i < agentCount; i++) {
            work += agents[i].runDutyCycle();
        }
        cycleTime = UNREAD;
        if (work > 0) {
            idleSteps = 0;
        } else {
            idle();
        }
    }

    private int runCommands() {
        int n = 0;
        for (Runnable c = commands.poll(); c != null; c = commands.poll()) {
            try {
                c.run();
            } catch (RuntimeException e) {
                LOG.error("worker {}: command failed", index, e);
            }
            n++;
        }
        return n;
    }

    private void idle() {
        boolean spin = idleSteps < spins;
        boolean timed = deadline != Long.MAX_VALUE;
        // one clock read serves both the wake-up deadline and, in a spin, the next cycle's send time
        long now = spin || timed ? System.nanoTime() : 0L;
        if (timed && now - deadline >= 0) {
            deadline = Long.MAX_VALUE;
            idleSteps = 0;
            return;
        }
        if (spin) {
            idleSteps++;
            cycleTime = now;
            Thread.onSpinWait();
        } else if (idleSteps < spins + yields) {
            idleSteps++;
            Thread.yield();
        } else {
            doorbell.prepareToPark();
            if (!running || !commands.isEmpty() || hasInput()) {
                doorbell.cancelPark();
            } else {
                doorbell.park(deadline);
            }
            idleSteps = 0;
        }
    }

    private boolean hasInput() {
        for (int i = 0; i < agentCount; i++) {
            if (agents[i].hasInput()) {
                return true;
            }
        }
        return false;
    }
}
