package dev.manycore.fleets;

import dev.manycore.messaging.Address;

import java.util.Map;

/**
 * The context of a fleet member: a {@link ServerContext} plus what the member knows of its fleet
 * (fos report 3.2): the current membership view and its coordinator, and the members' last load
 * reports. Confined to the member's thread.
 */
public interface FleetContext extends ServerContext {

    /** @return the fleet's name */
    String fleetName();

    /** @return the view this member installed last; epoch 0 and no member before the first */
    MembershipView view();

    /** @return true if this member is in its current view */
    boolean isMember();

    /** @return true if this member coordinates membership (the lowest live address of its view) */
    boolean isCoordinator();

    /** @return the members this member currently suspects of having failed */
    java.util.Set<Address> suspected();

    /**
     * @return the last load report of every member heard from, this member's own included: every
     *         member's on the coordinator, which hears them all; the coordinator's elsewhere
     *         (heartbeats go between the coordinator and the others only)
     */
    Map<Address, LoadReport> loads();
}
