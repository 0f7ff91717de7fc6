package io.easyrpc.sample.api;

import java.math.BigDecimal;

/**
 * An item of the inventory.
 *
 * @param sku the stock-keeping unit
 * @param name the name
 * @param category the category
 * @param price the unit price
 * @param inStock how many are in stock
 */
public record Item(String sku, String name, Category category, BigDecimal price, int inStock) {
}
