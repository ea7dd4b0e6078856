/**
 * The simulated engine's implementation (issue 8; ARCHITECTURE.md "Engine ... Simulated"). The
 * public face is {@link dev.manycore.messaging.SimulatedEngine}; this package holds its design.
 *
 * <h2>Event representation</h2>
 * <ul>
 *   <li>{@link dev.manycore.messaging.internal.sim.EventWheel}: every pending event in one order by
 *       (time, sequence): message deliveries, agent starts, fault transitions, scripted actions and
 *       agent runs. A hashed timing wheel of one-nanosecond slots covers the next 8 us (where nearly
 *       all events of a busy simulation fall); a slot is a FIFO list of nodes in three int arrays (12
 *       bytes an event, no object), so insert, move and removal cost a few writes instead of a heap
 *       sift. Later events wait in an {@link dev.manycore.messaging.internal.sim.EventQueue} (a 4-ary
 *       heap over primitive arrays) and later agent runs in a
 *       {@link dev.manycore.messaging.internal.sim.RunQueue} (an indexed heap that can move them),
 *       and enter the wheel in (time, sequence) order as time reaches them. A delivery's message
 *       lives in the simulation's message table, two arrays with a free list (payload, sender and
 *       channel side by side in one, correlation, send time and receiver/origin in the other: 36
 *       bytes a slot plus the payload object, two cache lines read per hand-over). A hand-over
 *       allocates nothing: the handler gets the simulation's one
 *       {@link dev.manycore.messaging.Envelope} view, over its
 *       {@link dev.manycore.messaging.internal.sim.HandOver} (set per message; {@code detach()}
 *       copies, as for a threaded view). A mailbox queue is a list linked through the table (a delivered message's receiver
 *       half holds the next one), so a delivery touches no array of the receiver's own.</li>
 *   <li>Agent runs: at most one per agent; a re-armed timer moves the agent's node instead of
 *       leaving a dead event behind. The run being processed is taken out of the wheel; when its
 *       cycle ends the agent's next run is scheduled as a fresh event.</li>
 *   <li>Agents are touched in an order that no cache predicts (a 1024-agent simulation misses on
 *       nearly every agent it runs), so while an event is taken the lines of the one after it are
 *       loaded ({@code Simulation.warm}): their misses overlap the current event's work.</li>
 *   <li>When the next event would be the run of the agent that a delivery just reached, or the
 *       re-run of an agent that reported work, it is run in place without touching the wheel; the
 *       order of events is unchanged (the pinned trace hash of {@code DeterminismTest} checks
 *       that).</li>
 * </ul>
 *
 * <h2>Determinism</h2>
 * One host thread; events in (time, sequence) order; sequence numbers in scheduling order; agents
 * and their routes in arrays indexed by mailbox number; no identity hash codes, host clocks or
 * unseeded randomness on any path that decides an order. The trace hash folds, in order, every
 * hand-over (time, sender, receiver, payload class name, correlation id) and every fault
 * transition, with machine-independent codes. Host time is read only for
 * {@link dev.manycore.messaging.SimulationReport#hostNanos()} and the program hand-off watchdog.
 *
 * <h2>Fault semantics (never a silent drop)</h2>
 * A crash closes the mailbox: sends answer CLOSED; what was queued or in flight to it is counted,
 * per address, as lost to the crash (DELIVERED promises delivery "unless the mailbox closes
 * first"). A held-full mailbox answers FULL. A partition answers CLOSED for sends across it and
 * holds messages already in flight across it until it heals, then delivers them in order. A link
 * delay adds latency to messages sent while it lasts, never reordering a sender.
 *
 * <h2>Blocking user programs</h2>
 * {@link dev.manycore.messaging.internal.sim.ProgramAgent} runs a
 * {@link dev.manycore.messaging.BlockingProgram} on a virtual thread that alternates strictly with
 * the engine thread: the program runs inside its agent's duty cycle until its next blocking call,
 * which returns control to the engine; a matching reply, a message or a deadline in virtual time
 * hands control back. Virtual time moves only by declared compute, sends and service times. The
 * kernel's {@code Syscalls} can be layered on {@link dev.manycore.messaging.ProgramContext}.
 */
package dev.manycore.messaging.internal.sim;
