package io.easyrpc.server;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Told when an {@link RpcServer} starts and stops: the start and stop hooks of
 * middleware, processors and anything else whose life follows the server's.
 * <p>
 * Listeners are added with {@link RpcServer.Builder#listener(RpcServerListener)}; in
 * addition every middleware, connection middleware, processor and call observer of the
 * server that implements this interface is told, once, without being added again.
 * Listeners are told in the order they were added, those added as listeners first.
 * <p>
 * A listener that throws from {@link #serverStarting(RpcServer)} fails the start: no
 * address is bound, and listeners already told are not told of a stop. An exception from
 * any other method is logged and the others are still told.
 * <p>
 * {@link #serverStarting(RpcServer)} and {@link #serverStopping(RpcServer)} run while the
 * server holds its lock, as part of starting and stopping: they must not wait for another
 * thread that uses the server. {@link #serverStarted(RpcServer, List)} and
 * {@link #serverStopped(RpcServer, Drain)} run outside it and may hand the server to any
 * thread, for example one that stops it.
 */
public interface RpcServerListener {

	/**
	 * The server is about to bind its addresses: nothing is served yet. A hook that must
	 * run before the first call (open a resource, load a key) belongs here.
	 * @param server the server
	 */
	default void serverStarting(RpcServer server) {
	}

	/**
	 * The server has bound its addresses and serves calls.
	 * @param server the server
	 * @param addresses the bound addresses: the local socket addresses of TCP and unix
	 * domain socket listeners, {@code io.netty.channel.local.LocalAddress} for in-process
	 * ones
	 */
	default void serverStarted(RpcServer server, List<SocketAddress> addresses) {
	}

	/**
	 * The server is shutting down: from now on new calls are refused with
	 * {@link io.easyrpc.RpcStatus#UNAVAILABLE}; calls in flight go on.
	 * @param server the server
	 */
	default void serverStopping(RpcServer server) {
	}

	/**
	 * The server has stopped: calls in flight have drained (or the drain timed out),
	 * connections are closed and the addresses are released. A hook that frees what
	 * {@link #serverStarting(RpcServer)} opened belongs here.
	 * @param server the server
	 * @param drain what the drain did
	 */
	default void serverStopped(RpcServer server, Drain drain) {
	}

	/**
	 * What a stopping server's drain did.
	 *
	 * @param drainedCalls the calls in flight when the server began to stop that finished
	 * within the drain timeout
	 * @param abandonedCalls the calls still in flight when the drain timed out
	 * @param duration how long the stop took, from refusing new calls to closing the last
	 * connection
	 */
	record Drain(int drainedCalls, int abandonedCalls, Duration duration) {
	}

}
