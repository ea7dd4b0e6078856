package dev.manycore.messaging;

/**
 * Receives envelopes from {@link Mailbox#drain(MessageHandler, int)} and
 * {@link Endpoint#receive(MessageHandler, int)}.
 *
 * <p><b>The envelope passed in is a view that the mailbox reuses for the next message</b>: read it
 * during the call, and keep {@link Envelope#detach()} of it if it must outlive the call. The message
 * is taken from the queue before the handler runs; <b>if the handler throws, the exception leaves
 * the drain and the message counts as received</b>, the messages after it stay queued.
 *
 * @param <T> the payload type
 */
@FunctionalInterface
public interface MessageHandler<T> {

    /**
     * @param envelope the message and its header, valid during this call only
     */
    void onMessage(Envelope<T> envelope);
}
