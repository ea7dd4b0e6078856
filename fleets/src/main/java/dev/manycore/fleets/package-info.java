/**
 * The server model and the fleet runtime (fos paper 3.2 and Figure 3; fos report 3.2, 4.3, 4.4).
 *
 * <h2>Servers</h2>
 * A {@link dev.manycore.fleets.Server} registers one {@link dev.manycore.fleets.RequestHandler}
 * per message type in its {@link dev.manycore.fleets.Handlers}; the runtime runs each message to
 * completion on the server's own engine thread. A handler that needs another service
 * {@link dev.manycore.fleets.ServerContext#call calls} it and returns the stage: the reply
 * completes it on the same server (a continuation), and other requests are handled meanwhile. A
 * handler that throws makes the runtime answer with an error reply carrying the exception's type
 * and message; the server keeps serving. Requests are records implementing
 * {@link dev.manycore.fleets.Request}, so stubs are typed.
 *
 * <h2>Engines</h2>
 * The runtime sits on the messaging module's {@code Engine}, {@code Agent} and
 * {@code AgentContext} only: a server runs as an agent whose duty cycle fires timers, retries the
 * outbox, drains the mailbox and runs continuations, and it reads time, sends, receives and asks
 * to be woken only through its {@code AgentContext}. The threaded engine runs it on host threads
 * now; the simulated engine will run the same classes by providing its own {@code AgentContext}
 * (virtual {@code now()}, {@code wakeAt} as an event): nothing here reads a clock, starts a thread,
 * holds a lock or makes randomness of its own (the architecture test checks it), and each server's
 * {@link dev.manycore.fleets.SeededRandom} derives from the fleet seed and its address.
 *
 * <h2>Fleets</h2>
 * A {@link dev.manycore.fleets.Fleet} places its members on dedicated cores (explicit, or spread by
 * the DQDT), keeps a {@link dev.manycore.fleets.MembershipView} with an epoch and a deterministic
 * coordinator (the lowest address), exchanges heartbeats that carry
 * {@link dev.manycore.fleets.LoadReport}s, removes members it suspects, and grows and shrinks
 * while serving: every member is frozen (updates held back) until quiescent, then a joiner
 * receives its state, or a leaver hands its state over, before the new view is installed. Members
 * that left keep forwarding what still reaches them; a crashed member's callers time out. See
 * {@link dev.manycore.fleets.FleetServer} for the hooks a service implements.
 *
 * <h2>Outside the engine</h2>
 * A {@link dev.manycore.fleets.Client} is a gateway agent for user threads, tests and benchmarks.
 */
package dev.manycore.fleets;
