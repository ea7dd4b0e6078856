/**
 * The name service fleet (fos paper 3.4, fos report 4.7.1 and 4.8.2): hierarchical names mapped to
 * mailboxes, fully replicated in every member with two-phase commit, read from the nearest
 * replica, with per-core caches that the service invalidates.
 */
package dev.manycore.fleets.names;
