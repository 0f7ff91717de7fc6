package io.easyrpc.client;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Implemented by every client proxy that {@link ClientProxyFactory} creates (and so by
 * every {@code @RpcClient} bean): the proxy's channel, a liveness check of its target and
 * the remote methods it calls. Cast a proxy to it, use {@link #of(Object)}, or let the
 * client interface extend it so that its methods are at hand:
 *
 * <pre class="code">
 * &#64;RpcClient(target = "inventory")
 * interface InventoryClient extends Inventory, RpcClientControl {
 * }
 *
 * Duration roundTrip = inventoryClient.rpcPing().join();
 * </pre>
 *
 * The methods carry an {@code rpc} prefix so that they cannot clash with the remote
 * methods of the interface; they are never sent to the server as calls.
 */
public interface RpcClientControl {

	/**
	 * Return the channel the proxy calls through.
	 * @return the channel
	 */
	RpcChannel rpcChannel();

	/**
	 * Ping the target with the client's default deadline, or
	 * {@link RpcChannel#DEFAULT_PING_TIMEOUT} if it has none.
	 * @return the round trip
	 * @see RpcChannel#ping(Duration)
	 */
	CompletableFuture<Duration> rpcPing();

	/**
	 * Ping the target.
	 * @param timeout how long the connection and the pong may take together
	 * @return the round trip
	 * @see RpcChannel#ping(Duration)
	 */
	default CompletableFuture<Duration> rpcPing(Duration timeout) {
		return rpcChannel().ping(timeout);
	}

	/**
	 * Return the remote methods the proxy calls: each method key (for example
	 * {@code Inventory.find}) with the number of arguments its calls send, in no
	 * particular order. A start-up check compares them with the server's reflection.
	 * @return the method keys and their argument counts
	 */
	Map<String, Integer> rpcMethods();

	/**
	 * Return the control of a client proxy.
	 * @param proxy a proxy made by {@link ClientProxyFactory}
	 * @return its control
	 * @throws IllegalArgumentException if the object is not such a proxy
	 */
	static RpcClientControl of(Object proxy) {
		if (proxy instanceof RpcClientControl control && Proxy.isProxyClass(proxy.getClass())) {
			return control;
		}
		throw new IllegalArgumentException(
				((proxy != null) ? proxy.getClass().getName() : "null") + " is not an easyrpc client proxy");
	}

}
