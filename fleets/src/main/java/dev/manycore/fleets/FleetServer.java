package dev.manycore.fleets;

import dev.manycore.messaging.Address;

/**
 * A server that is a member of a {@link Fleet} (fos report 3.2, 4.4). Beside its handlers it
 * tells the runtime how its state moves when the fleet changes:
 * <ul>
 *   <li>before a member joins or leaves, every member is <em>frozen</em>: it holds back new
 *       updates and reports {@link #isQuiescent() quiescence} once those in progress are done;</li>
 *   <li>the coordinator then gives the joiner {@link #stateFor its share of the state} (a full copy
 *       for a replicated service), and the joiner {@link #installState installs} it before it
 *       serves; a leaving member {@link #handOver hands its state over} to the coordinator;</li>
 *   <li>every member learns each new view through {@link #viewChanged}, then is thawed.</li>
 * </ul>
 * A member removed because it was suspected of failure hands nothing over: its state is recovered
 * by the others (a replicated service loses nothing).
 *
 * <p>Thread-safety: every method is called on the member's thread, one at a time.
 */
public interface FleetServer {

    /**
     * Called once, before the first message.
     *
     * @param context  the member's context
     * @param handlers the table to fill with the service's handlers
     */
    void start(FleetContext context, Handlers handlers);

    /**
     * A new view was installed (this member may or may not be in it).
     *
     * @param previous the view before (epoch 0 for a member's first view)
     * @param current  the new view
     */
    default void viewChanged(MembershipView previous, MembershipView current) {
    }

    /** Stop starting updates; hold new ones back until {@link #thaw()}. */
    default void freeze() {
    }

    /** @return true when no update is in progress, so the state may be copied */
    default boolean isQuiescent() {
        return true;
    }

    /** Resume updates, including those held back. */
    default void thaw() {
    }

    /**
     * Coordinator, while frozen and quiescent: the state a joining member starts from.
     *
     * @param joiner the joining member
     * @param next   the view it joins
     * @return an immutable state, or null for none
     */
    default Object stateFor(Address joiner, MembershipView next) {
        return null;
    }

    /**
     * Joining member: installs the state given by the coordinator, before serving.
     *
     * @param state what {@link #stateFor} returned (never null here)
     */
    default void installState(Object state) {
    }

    /**
     * Leaving member, frozen and quiescent, before the view without it is installed: the state to
     * hand over. It reaches the member that coordinates the next view before that view, through
     * {@link #receiveHandOver}. May be called again if the round is abandoned and run again, so it
     * copies rather than removes; the member stops serving once the view excludes it.
     *
     * @param next the view without this member, as it will be if no other change intervenes
     * @return an immutable state, or null for none
     */
    default Object handOver(MembershipView next) {
        return null;
    }

    /**
     * The coordinator of the next view: receives a leaving member's state, before it installs the
     * view without that member.
     *
     * @param from  the member that left
     * @param state its state
     */
    default void receiveHandOver(Address from, Object state) {
    }

    /**
     * What a member does once it learns that a view decided without it evicted it, although it
     * did not ask to leave (it was wrongly suspected, or cut off from the primary partition by a
     * partition longer than the suspicion time). False (the default): it stays out of the fleet
     * and forwards requests that still reach it, as a departed member does; the others recovered
     * its state when they removed it. True: it asks to join again and, once admitted, receives a
     * fresh {@link #stateFor copy of the state} through {@link #installState}, which must then
     * replace everything it held, so its state converges with the others' (a replicated service).
     *
     * @return true if an evicted member joins the fleet again
     */
    default boolean rejoinsAfterEviction() {
        return false;
    }

    /** Called once when the engine stops the member. */
    default void stop() {
    }

    /** @return a short name for logs */
    default String role() {
        return getClass().getSimpleName();
    }
}
