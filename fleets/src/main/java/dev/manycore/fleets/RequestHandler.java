package dev.manycore.fleets;

/**
 * Handles one message type of a {@link Server}, to completion, on the server's thread.
 *
 * <p>What the return value means:
 * <ul>
 *   <li>a {@link java.util.concurrent.CompletionStage}: the reply is sent when it completes (a
 *       continuation; the server handles other requests meanwhile); completing exceptionally sends
 *       an error reply;</li>
 *   <li>{@code null}: no reply now (a one-way message, or the handler kept the {@link Caller} and
 *       replies later);</li>
 *   <li>anything else: sent as the reply at once.</li>
 * </ul>
 * A handler that throws makes the runtime send an error reply carrying the exception's type and
 * message; the server keeps serving.
 *
 * @param <Q> the message type
 */
@FunctionalInterface
public interface RequestHandler<Q> {

    /**
     * @param request the message
     * @param caller  its sender and correlation id
     * @return the reply, a stage that completes with it, or null
     * @throws Exception to answer with an error reply
     */
    Object handle(Q request, Caller caller) throws Exception;
}
