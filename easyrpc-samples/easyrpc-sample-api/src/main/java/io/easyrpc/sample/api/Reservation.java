package io.easyrpc.sample.api;

import java.time.Instant;
import java.util.UUID;

/**
 * A confirmed reservation.
 *
 * @param id the reservation id
 * @param sku the item
 * @param quantity how many were reserved
 * @param remaining how many are left in stock
 * @param expiresAt when the reservation lapses
 */
public record Reservation(UUID id, String sku, int quantity, int remaining, Instant expiresAt) {
}
