package io.easyrpc.autoconfigure.observation;

/**
 * The stream item counts of one finished streaming call, kept in its observation context
 * under the key {@code StreamMessages.class}.
 *
 * @param sent the items this side sent
 * @param received the items this side received
 */
record StreamMessages(long sent, long received) {

}
