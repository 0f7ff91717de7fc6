package io.easyrpc.benchmark.jmh;

import java.util.List;
import java.util.Map;

import io.easyrpc.benchmark.api.Payload;

/**
 * A larger nested object: twenty payload records and a few labels.
 *
 * @param name the batch name
 * @param createdAt a timestamp in epoch milliseconds
 * @param records the records
 * @param labels string labels
 */
public record Batch(String name, long createdAt, List<Payload> records, Map<String, String> labels) {

}
