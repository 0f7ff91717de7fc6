package io.easyrpc.middleware;

/**
 * Decides whether the server keeps a new connection. Every middleware sees a connection
 * once, in order, before any of its calls is dispatched; the first rejection wins and the
 * rest are not asked. A rejected connection receives a {@code GOAWAY} frame with the
 * rejection's status and message and is closed.
 * <p>
 * Called on the connection's I/O thread: implementations must not block. With TLS the
 * decision is taken once the handshake is done, so that
 * {@link ConnectionInfo#sslSession()} is known.
 */
@FunctionalInterface
public interface ConnectionMiddleware {

	/**
	 * Decide on a new connection.
	 * @param connection the connection
	 * @return {@link ConnectionDecision#accept()} or a rejection, never {@code null}
	 */
	ConnectionDecision onConnect(ConnectionInfo connection);

	/**
	 * Called once when a connection that this middleware accepted closes, for example to
	 * release a slot that {@link #onConnect(ConnectionInfo)} took. This includes a
	 * connection that a middleware later in the order refused: every accepting
	 * {@code onConnect} is paired with one {@code onClose}. Called on the connection's
	 * I/O thread; the default does nothing.
	 * @param connection the connection, the same instance {@code onConnect} received
	 */
	default void onClose(ConnectionInfo connection) {
	}

}
