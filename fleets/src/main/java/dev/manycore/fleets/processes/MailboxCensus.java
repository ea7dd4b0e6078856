package dev.manycore.fleets.processes;

/**
 * The process mailboxes of the machine, summed over every core's host at one moment.
 *
 * @param hosts     cores that have a mailbox host
 * @param open      open mailboxes
 * @param forwards  forwarding entries left by moved mailboxes whose process still lives
 * @param delivered letters delivered since boot
 */
public record MailboxCensus(int hosts, int open, int forwards, long delivered) {
}
