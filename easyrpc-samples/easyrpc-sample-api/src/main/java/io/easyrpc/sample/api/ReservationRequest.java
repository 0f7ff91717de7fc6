package io.easyrpc.sample.api;

/**
 * A request to reserve stock.
 *
 * @param sku the item
 * @param quantity how many
 * @param customer who reserves
 */
public record ReservationRequest(String sku, int quantity, String customer) {
}
