package dev.manycore.fleets;

/**
 * A typed request: a record that names the type of its response, so a client stub returns a
 * {@code CompletionStage<R>} without casts (fos report 4.3: "a request and its response are a pair
 * of messages"). The response is another record (or any immutable payload).
 *
 * <p>Implementations must be immutable (records), since they cross mailboxes.
 *
 * @param <R> the type of the response
 */
public interface Request<R> {
}
