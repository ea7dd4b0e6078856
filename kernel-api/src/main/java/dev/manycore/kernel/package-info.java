/**
 * The kernel: {@link dev.manycore.kernel.KernelBuilder} boots a topology, an engine (threaded, or
 * simulated in deterministic virtual time: {@link dev.manycore.kernel.Engines}) and the fleets (name service, page allocator, process manager) on dedicated cores; a
 * {@link dev.manycore.kernel.Kernel} runs user programs as processes and reports what happened.
 *
 * <h2>Processes and threads</h2>
 * A {@link dev.manycore.kernel.Program} is the main function of a process. Its main thread and the
 * threads it starts are Java virtual threads (on the simulated engine, programs of the engine that
 * run one at a time in virtual time; see {@link dev.manycore.kernel.KernelBuilder}), each bound to a simulated core that the process
 * manager chose with the DQDT (processes spread over the chip, threads near their parent); fleet
 * cores are never chosen (fos space sharing). A thread's identity and current core live in a
 * {@link java.lang.ScopedValue} bound around its body, so the one
 * {@link dev.manycore.kernel.ProcessContext} of a process answers {@code core()} and
 * {@code syscalls()} for whichever of its threads calls.
 *
 * <h2>Syscalls</h2>
 * {@link dev.manycore.kernel.Syscalls} is the libfos layer: blocking calls that become request
 * messages from the calling thread's core (through that core's gateway) to the fleets, and reply
 * messages back. Every call is a safe point where a kill, an exit or a migration takes effect.
 * Pages come from the page allocator near the calling thread and are owned by the PID; letters go
 * to per-core mailbox hosts, found by name through the name service.
 *
 * <h2>Ending</h2>
 * A process ends when its main function returns or throws, when a thread calls {@code exit}, or
 * when it is killed; then its other threads are interrupted and joined, its pages released by
 * owner, its mailboxes closed, and the process manager deletes its names, gives back its DQDT
 * charges and its PID. {@link dev.manycore.kernel.Kernel#census()} reads every such counter.
 */
package dev.manycore.kernel;
