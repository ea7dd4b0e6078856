package dev.manycore.messaging.jcstress;

import dev.manycore.messaging.Doorbell;
import dev.manycore.messaging.Mailbox;
import dev.manycore.messaging.internal.Channel;

/**
 * The receiver's and the arbiter's halves of the park/wake-up handshake, shared by the wake-up
 * tests: the receiver announces that it parks, re-checks its input and cancels the park if there
 * is some; at the end, the arbiter reads whether the doorbell still says parked. A lost wake-up is
 * a receiver that parked (0) whose doorbell is still parked at the end (1).
 */
final class ParkHandshake {

    private ParkHandshake() {
    }

    /** @return 1 if the receiver saw the channel's input and did not park, 0 if it parks */
    static int receiver(Doorbell doorbell, Channel channel) {
        doorbell.prepareToPark();
        return settle(doorbell, channel.hasInput());
    }

    /** @return 1 if the owner saw a message in the mailbox and did not park, 0 if it parks */
    static int receiver(Doorbell doorbell, Mailbox<?> mailbox) {
        doorbell.prepareToPark();
        return settle(doorbell, !mailbox.isEmpty());
    }

    /** @return 1 if the doorbell is still in the parked state, else 0 */
    static int stillParked(Doorbell doorbell) {
        return doorbell.isParked() ? 1 : 0;
    }

    private static int settle(Doorbell doorbell, boolean input) {
        if (input) {
            doorbell.cancelPark();
            return 1;
        }
        return 0;
    }
}
