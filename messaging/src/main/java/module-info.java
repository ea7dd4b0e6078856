/**
 * The microkernel: mailboxes, send rights, channels, envelopes, engines and traffic accounting.
 * Filled by the messaging issue.
 */
module dev.manycore.messaging {
    requires transitive dev.manycore.numa;
    requires org.slf4j;
    requires org.jctools.core.jdk11;
}
