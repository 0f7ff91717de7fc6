package io.easyrpc.middleware;

import java.lang.reflect.Method;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One call through a client proxy, as {@link RpcClientMiddleware} sees it.
 */
public interface ClientInvocation {

	/**
	 * Return the method key the request is sent to, for example {@code Greeter.hello}.
	 * @return the key
	 */
	String methodKey();

	/**
	 * Return the interface method that was called.
	 * @return the method
	 */
	Method method();

	/**
	 * Return the arguments; a middleware may replace elements before the request is sent.
	 * @return the arguments
	 */
	@Nullable Object[] arguments();

	/**
	 * Return the address of the target, for example {@code tcp://localhost:7070}.
	 * @return the target address
	 */
	String target();

	/**
	 * Return the metadata headers the request will carry; a middleware may add, change or
	 * remove entries before calling {@link RpcClientMiddleware.Chain#proceed()}.
	 * @return the mutable headers
	 */
	Map<String, String> headers();

}
