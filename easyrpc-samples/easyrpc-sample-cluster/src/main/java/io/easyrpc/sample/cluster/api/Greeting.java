package io.easyrpc.sample.cluster.api;

/**
 * A greeting and the server instance that made it.
 *
 * @param text the greeting
 * @param instance the name of the instance
 */
public record Greeting(String text, String instance) {
}
