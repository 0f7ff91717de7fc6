package io.easyrpc.benchmark.api;

/**
 * The record every benchmark call sends and gets back unchanged.
 *
 * @param id a number identifying the call
 * @param name a short string
 * @param data the payload bytes, {@code S} of them
 */
public record Payload(long id, String name, byte[] data) {

}
