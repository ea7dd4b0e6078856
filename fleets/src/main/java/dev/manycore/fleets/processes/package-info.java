/**
 * The process manager fleet (fos report 4.7.5) and the process mailboxes: PIDs, process and thread
 * placement with the DQDT on user cores, per-process records and statistics, names under
 * {@code /proc}, migration plans, and the per-core mailbox hosts that keep process mailboxes.
 * The blocking stubs here are what the kernel's libfos layer ({@code dev.manycore.kernel}) builds on.
 */
package dev.manycore.fleets.processes;
