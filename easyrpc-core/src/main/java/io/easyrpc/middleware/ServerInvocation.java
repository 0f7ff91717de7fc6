package io.easyrpc.middleware;

import java.lang.reflect.Method;
import java.net.SocketAddress;
import java.util.Map;

import io.easyrpc.RpcContext;
import org.jspecify.annotations.Nullable;

/**
 * One invocation of a service method, as {@link RpcMiddleware} sees it.
 */
public interface ServerInvocation {

	/**
	 * Return the method key, for example {@code Greeter.hello}.
	 * @return the key
	 */
	String methodKey();

	/**
	 * Return the Java method that will run.
	 * @return the method
	 */
	Method method();

	/**
	 * Return the object the method runs on.
	 * @return the service instance
	 */
	Object service();

	/**
	 * Return the decoded arguments; a middleware may replace elements with values of the
	 * parameter's type.
	 * @return the arguments, in parameter order
	 */
	@Nullable Object[] arguments();

	/**
	 * Return the call's context: deadline, session, idempotency key, cancellation.
	 * @return the context
	 */
	RpcContext context();

	/**
	 * Return the metadata headers the caller sent.
	 * @return the headers, read-only
	 */
	default Map<String, String> headers() {
		return context().headers();
	}

	/**
	 * Return the caller's address.
	 * @return the address
	 */
	default @Nullable SocketAddress peerAddress() {
		return context().peerAddress();
	}

	/**
	 * Return whether the call is a notification, whose caller waits for no result.
	 * @return {@code true} for one-way calls
	 */
	boolean isOneWay();

	/**
	 * Return whether a gateway route forwards the call to another server instead of
	 * running a method here. A forwarded call is never decoded: {@link #arguments()} is
	 * empty, {@link #method()} is a stand-in without annotations, {@link #service()} is
	 * the route's target, and {@code chain.proceed()} returns a {@code CompletableFuture}
	 * that completes when the forwarded call ends. {@link #methodKey()} is the key the
	 * caller sent, prefix included.
	 * @return {@code true} for a forwarded call
	 */
	default boolean isForwarded() {
		return false;
	}

}
