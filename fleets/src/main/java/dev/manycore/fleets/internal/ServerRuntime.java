package dev.manycore.fleets.internal;

import dev.manycore.fleets.CallTimeoutException;
import dev.manycore.fleets.Caller;
import dev.manycore.fleets.Handlers;
import dev.manycore.fleets.RemoteFailureException;
import dev.manycore.fleets.Request;
import dev.manycore.fleets.RequestHandler;
import dev.manycore.fleets.ScheduledTimer;
import dev.manycore.fleets.SeededRandom;
import dev.manycore.fleets.Server;
import dev.manycore.fleets.ServerContext;
import dev.manycore.fleets.ServerMetrics;
import dev.manycore.fleets.UndeliverableException;
import dev.manycore.messaging.Address;
import dev.manycore.messaging.Agent;
import dev.manycore.messaging.AgentContext;
import dev.manycore.messaging.Envelope;
import dev.manycore.messaging.MessageHandler;
import dev.manycore.messaging.NameCache;
import dev.manycore.messaging.SendStatus;
import dev.manycore.numa.ClusterId;
import dev.manycore.numa.CoreId;
import dev.manycore.numa.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

/**
 * Runs one {@link Server} as an engine {@link Agent} and implements its {@link ServerContext} on
 * the agent's {@link AgentContext} (fos paper 3.2, Figure 3, the server loop; fos report 4.3, the
 * event-driven programming model with continuations).
 *
 * <p>One duty cycle: run queued tasks (continuations handed to {@link #executor()}), fire due
 * timers, retry the outbox, receive up to {@value #RECEIVE_BATCH} messages and dispatch them, run
 * the tasks they queued, then ask the engine to wake the server at its next timer. Replies are
 * matched with pending calls by correlation id; their stages are completed here, on the server's
 * thread, which is what makes continuations run on the same server.
 *
 * <p>A crashed runtime ({@link ServerControl#crash()}) behaves like a failed core: it drains and
 * discards its messages, answers nothing and fires no timer.
 *
 * <p>Not thread-safe: confined to the engine thread that runs the agent.
 */
public final class ServerRuntime implements Agent, ServerContext {

    /** The messages queued per destination whose mailbox is full, when no bound is given. */
    public static final int DEFAULT_OUTBOX_BOUND = 4096;
    /** The most messages handled per duty cycle, so timers and the outbox are not starved. */
    static final int RECEIVE_BATCH = 64;

    private final AgentContext agent;
    private final Server server;
    private final ServerControl control;
    private final Handlers handlers = new Handlers();
    private final Map<Long, PendingCall> calls = new HashMap<>();
    private final Map<Address, ArrayDeque<Outgoing>> outbox = new LinkedHashMap<>();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final TimerQueue timers = new TimerQueue();
    private final SeededRandom random;
    private final ServerMetrics metrics;
    private final Logger logger;
    private final Executor executor = this::enqueueTask;
    private final MessageHandler<Object> receiver = this::onEnvelope;
    private final MessageHandler<Object> discarder = e -> { };
    private IntSupplier dutyHook = () -> 0;
    private long nextCallId = 1;
    private int outboxSize;
    private int outboxBound = DEFAULT_OUTBOX_BOUND;

    /**
     * Starts the server on the calling (engine) thread.
     *
     * @param agent   the engine context of this agent
     * @param server  the server to run
     * @param seed    the seed its random source derives from (with the address)
     * @param control the crash switch and published metrics
     */
    public ServerRuntime(AgentContext agent, Server server, long seed, ServerControl control) {
        this.agent = Objects.requireNonNull(agent, "agent context is null");
        this.server = Objects.requireNonNull(server, "server is null");
        this.control = Objects.requireNonNull(control, "control is null");
        this.random = SeededRandom.derived(seed, ((long) agent.address().core().index() << 32) | agent.address().mailbox());
        this.metrics = control.metrics();
        this.logger = LoggerFactory.getLogger("dev.manycore.fleets." + server.role());
        control.bind(agent.address());
        server.start(this, handlers);
    }

    /**
     * Bounds the messages queued for one destination whose mailbox answered FULL: once that many
     * wait, {@link #send} answers FULL itself and a call fails with an
     * {@link dev.manycore.fleets.UndeliverableException} naming the bound.
     *
     * @param max the bound, positive
     * @throws IllegalArgumentException if not positive
     */
    public void outboxBound(int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("outbox bound " + max + " is not positive");
        }
        this.outboxBound = max;
    }

    /**
     * Sets a hook called at the start of every duty cycle (client gateways take submissions from
     * user threads there).
     *
     * @param hook returns the work it did
     */
    public void dutyHook(IntSupplier hook) {
        this.dutyHook = Objects.requireNonNull(hook, "hook is null");
    }

    @Override
    public int doWork() {
        if (control.isCrashed()) {
            return agent.receive(discarder, RECEIVE_BATCH);
        }
        int work = dutyHook.getAsInt();
        work += runTasks();
        work += timers.fire(agent.now());
        work += flushOutbox();
        int received = agent.receive(receiver, RECEIVE_BATCH);
        if (received > 0) {
            metrics.queueDepth(received);
        }
        work += received;
        work += runTasks();
        long due = timers.nextDue();
        if (due != Long.MAX_VALUE) {
            agent.wakeAt(due);
        }
        return work + (outboxSize > 0 ? 1 : 0);
    }

    @Override
    public void onClose() {
        if (!control.isCrashed()) {
            server.stop();
        }
        // no reply can reach a stopped server: its callers learn now instead of at their timeouts
        for (PendingCall p : List.copyOf(calls.values())) {
            p.timer.cancel();
            p.future.completeExceptionally(new UndeliverableException("server " + agent.address()
                    + " stopped while its request " + p.description + " waited for a reply"));
        }
        calls.clear();
    }

    @Override
    public String roleName() {
        return server.role();
    }

    // ---------------------------------------------------------------- dispatch

    private void onEnvelope(Envelope<Object> envelope) {
        Object payload = envelope.payload();
        long correlation = envelope.correlationId();
        if (payload instanceof Reply reply) {
            PendingCall pending = calls.remove(correlation);
            if (pending == null) {
                metrics.lateReply();
            } else {
                pending.timer.cancel();
                pending.future.complete(reply.value());
            }
        } else if (payload instanceof ErrorReply error) {
            PendingCall pending = calls.remove(correlation);
            if (pending == null) {
                metrics.lateReply();
            } else {
                pending.timer.cancel();
                pending.future.completeExceptionally(new RemoteFailureException(error.type(), error.message()));
            }
        } else if (payload instanceof Forwarded forwarded) {
            dispatch(forwarded.request(), forwarded.caller());
        } else {
            dispatch(payload, new Caller(envelope.sender(), correlation));
        }
    }

    /**
     * Runs the handler of a message and answers its caller as {@link RequestHandler} describes.
     *
     * @param message the message
     * @param caller  who sent it
     */
    public void dispatch(Object message, Caller caller) {
        RequestHandler<Object> handler = handlers.find(message.getClass());
        metrics.requestHandled(agent.now());
        if (handler == null) {
            metrics.requestFailed();
            logger.warn("{} at {} has no handler for {}", server.role(), address(), message.getClass().getName());
            if (caller.expectsReply()) {
                replyError(caller, new UnsupportedOperationException("server " + server.role() + " at " + address()
                        + " has no handler for message type " + message.getClass().getName()));
            }
            return;
        }
        Object result;
        try {
            result = handler.handle(message, caller);
        } catch (Exception | LinkageError | AssertionError e) {
            metrics.requestFailed();
            logger.debug("{} at {}: handler of {} failed", server.role(), address(), message.getClass().getSimpleName(), e);
            if (caller.expectsReply()) {
                replyError(caller, e);
            }
            return;
        }
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((value, failure) -> {
                if (!caller.expectsReply()) {
                    return;
                }
                if (failure != null) {
                    metrics.requestFailed();
                    replyError(caller, unwrap(failure));
                } else if (value != null) {
                    reply(caller, value);
                }
            });
        } else if (result != null && caller.expectsReply()) {
            reply(caller, result);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    // ---------------------------------------------------------------- sending

    @Override
    public SendStatus send(Address to, Object payload) {
        return send(to, payload, 0L, 0L);
    }

    private SendStatus send(Address to, Object payload, long correlationId, long callId) {
        Objects.requireNonNull(to, "destination is null");
        Objects.requireNonNull(payload, "payload is null");
        ArrayDeque<Outgoing> queued = outbox.get(to);
        if (queued != null) {
            if (queued.size() >= outboxBound) {
                return SendStatus.FULL; // the bound: the caller decides (a call fails, see failCall)
            }
            queued.add(new Outgoing(to, payload, correlationId, callId));
            outboxSize++;
            return SendStatus.DELIVERED;
        }
        SendStatus status = agent.send(to, payload, correlationId);
        if (status == SendStatus.FULL) {
            ArrayDeque<Outgoing> q = new ArrayDeque<>();
            q.add(new Outgoing(to, payload, correlationId, callId));
            outbox.put(to, q);
            outboxSize++;
            return SendStatus.DELIVERED;
        }
        return status;
    }

    private int flushOutbox() {
        if (outboxSize == 0) {
            return 0;
        }
        int sent = 0;
        var it = outbox.values().iterator();
        while (it.hasNext()) {
            ArrayDeque<Outgoing> q = it.next();
            Outgoing o;
            while ((o = q.peek()) != null) {
                SendStatus status = agent.send(o.to, o.payload, o.correlationId);
                if (status == SendStatus.FULL) {
                    break;
                }
                q.poll();
                outboxSize--;
                sent++;
                if (status != SendStatus.DELIVERED) {
                    failCall(o.callId, o.to, status);
                }
            }
            if (q.isEmpty()) {
                it.remove();
            }
        }
        return sent;
    }

    private void failCall(long callId, Address to, SendStatus status) {
        PendingCall pending = callId == 0 ? null : calls.remove(callId);
        if (pending != null) {
            pending.timer.cancel();
            pending.future.completeExceptionally(new UndeliverableException("request "
                    + pending.description + " to " + to + " was not delivered: " + status
                    + (status == SendStatus.FULL ? " (" + outboxBound + " messages already wait for that mailbox:"
                    + " the outbox bound per destination)" : "")));
        }
    }

    @Override
    public void reply(Caller caller, Object reply) {
        Objects.requireNonNull(reply, "reply is null: answer with a record");
        metrics.replySent();
        SendStatus s = send(caller.address(), new Reply(reply), caller.correlationId(), 0L);
        if (s != SendStatus.DELIVERED) {
            logger.debug("reply to {} not delivered: {}", caller.address(), s);
        }
    }

    @Override
    public void replyError(Caller caller, Throwable failure) {
        metrics.replySent();
        send(caller.address(), new ErrorReply(failure.getClass().getName(), failure.getMessage()),
                caller.correlationId(), 0L);
    }

    @Override
    public void forward(Address to, Object request, Caller caller) {
        SendStatus s = send(to, new Forwarded(caller, request), 0L, 0L);
        if (s != SendStatus.DELIVERED && caller.expectsReply()) {
            replyError(caller, new UndeliverableException("request " + request.getClass().getSimpleName()
                    + " could not be forwarded from " + address() + " to " + to + ": " + s));
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> CompletionStage<R> call(Address to, Request<R> request, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout is null");
        return (CompletionStage<R>) callUntyped(to, request, timeout.toNanos());
    }

    @Override
    public CompletionStage<Object> callUntyped(Address to, Object request, long timeoutNs) {
        Objects.requireNonNull(request, "request is null");
        if (timeoutNs <= 0) {
            throw new IllegalArgumentException("call timeout " + timeoutNs + " ns is not positive");
        }
        long id = nextCallId++;
        CompletableFuture<Object> future = new CompletableFuture<>();
        String description = request.getClass().getSimpleName();
        ScheduledTimer timer = timers.add(agent.now() + timeoutNs, 0, () -> {
            PendingCall p = calls.remove(id);
            if (p != null) {
                metrics.callTimedOut();
                p.future.completeExceptionally(new CallTimeoutException("request " + description + " to " + to
                        + " got no reply within " + Duration.ofNanos(timeoutNs)));
            }
        });
        calls.put(id, new PendingCall(future, timer, description));
        SendStatus status = send(to, request, id, id);
        if (status != SendStatus.DELIVERED) {
            failCall(id, to, status);
        }
        return future;
    }

    // ---------------------------------------------------------------- timers and tasks

    @Override
    public ScheduledTimer schedule(long delayNs, Runnable action) {
        if (delayNs < 0) {
            throw new IllegalArgumentException("timer delay " + delayNs + " ns is negative");
        }
        return timers.add(agent.now() + delayNs, 0, Objects.requireNonNull(action, "timer action is null"));
    }

    @Override
    public ScheduledTimer every(long periodNs, Runnable action) {
        if (periodNs <= 0) {
            throw new IllegalArgumentException("timer period " + periodNs + " ns is not positive");
        }
        return timers.add(agent.now() + periodNs, periodNs, Objects.requireNonNull(action, "timer action is null"));
    }

    private void enqueueTask(Runnable task) {
        tasks.add(Objects.requireNonNull(task, "task is null"));
    }

    private int runTasks() {
        int n = 0;
        Runnable task;
        while ((task = tasks.poll()) != null) {
            n++;
            try {
                task.run();
            } catch (RuntimeException e) {
                logger.error("{} at {}: task failed", server.role(), address(), e);
            }
        }
        return n;
    }

    @Override
    public Executor executor() {
        return executor;
    }

    // ---------------------------------------------------------------- identity

    @Override
    public Address address() {
        return agent.address();
    }

    @Override
    public CoreId core() {
        return agent.core();
    }

    @Override
    public ClusterId cluster() {
        return agent.topology().clusterOf(agent.core());
    }

    @Override
    public Topology topology() {
        return agent.topology();
    }

    @Override
    public long now() {
        return agent.now();
    }

    @Override
    public SeededRandom random() {
        return random;
    }

    @Override
    public ServerMetrics metrics() {
        return metrics;
    }

    @Override
    public Logger logger() {
        return logger;
    }

    @Override
    public NameCache nameCache() {
        return agent.nameCache();
    }

    /** @return calls waiting for a reply */
    public int pendingCalls() {
        return calls.size();
    }

    private record Outgoing(Address to, Object payload, long correlationId, long callId) {
    }

    private record PendingCall(CompletableFuture<Object> future, ScheduledTimer timer, String description) {
    }
}
