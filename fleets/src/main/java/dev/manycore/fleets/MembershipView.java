package dev.manycore.fleets;

import dev.manycore.messaging.Address;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The members of a fleet at one epoch (fos report 3.2.3 and 4.4: a fleet's membership changes as
 * it grows, shrinks and loses members; every change makes a new view with a higher epoch). The
 * coordinator is chosen deterministically: the member with the lowest address.
 *
 * @param fleet   the fleet's name
 * @param epoch   the view's number, 1 for the first view, increasing by one per change
 * @param members the members, sorted by address, without duplicates (an immutable list)
 */
public record MembershipView(String fleet, long epoch, List<Address> members) {

    /**
     * Sorts and copies the members.
     *
     * @throws IllegalArgumentException if the epoch is negative or a member repeats
     */
    public MembershipView {
        Objects.requireNonNull(fleet, "fleet name is null");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch " + epoch + " of fleet " + fleet + " is negative");
        }
        List<Address> sorted = new ArrayList<>(members);
        Collections.sort(sorted);
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).equals(sorted.get(i - 1))) {
                throw new IllegalArgumentException("member " + sorted.get(i) + " appears twice in view " + epoch
                        + " of fleet " + fleet + ": members are distinct");
            }
        }
        members = List.copyOf(sorted);
    }

    /** @return the coordinator, the lowest address; null for an empty view */
    public Address coordinator() {
        return members.isEmpty() ? null : members.getFirst();
    }

    /**
     * @param member an address
     * @return true if it is a member of this view
     */
    public boolean contains(Address member) {
        return Collections.binarySearch(members, member) >= 0;
    }

    /** @return the number of members */
    public int size() {
        return members.size();
    }

    /**
     * @param joiner a new member
     * @return the next view, with the joiner
     */
    public MembershipView with(Address joiner) {
        List<Address> next = new ArrayList<>(members);
        if (!contains(joiner)) {
            next.add(joiner);
        }
        return new MembershipView(fleet, epoch + 1, next);
    }

    /**
     * @param gone members to remove
     * @return the next view, without them
     */
    public MembershipView without(java.util.Collection<Address> gone) {
        List<Address> next = new ArrayList<>(members);
        next.removeAll(gone);
        return new MembershipView(fleet, epoch + 1, next);
    }
}
