package dev.manycore.fleets.internal.pool;

import dev.manycore.messaging.Address;

import java.util.Objects;

/**
 * Names one transfer of elements between dPool partitions: the partition that sent it and a number
 * unique within that partition.
 *
 * @param sender the sending partition's owner
 * @param id     increasing per sender, from 1
 */
record TransferKey(Address sender, long id) {

    TransferKey {
        Objects.requireNonNull(sender, "transfer sender is null");
    }
}
