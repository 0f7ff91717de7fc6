package io.easyrpc.middleware;

import org.jspecify.annotations.Nullable;

/**
 * Wraps every call a client proxy makes, on the thread that calls the proxy method.
 * Middleware may add metadata headers (for example {@code authorization}), short-circuit
 * by throwing (an {@link io.easyrpc.RpcException} is thrown to the caller as is), or
 * observe and replace the result.
 * <p>
 * For interface methods that return a {@code CompletableFuture}, {@code CompletionStage}
 * or {@code Mono}, {@link Chain#proceed()} returns that value as soon as the request is
 * under way; for other methods it returns once the response has arrived.
 */
@FunctionalInterface
public interface RpcClientMiddleware {

	/**
	 * Handle a call.
	 * @param invocation the call
	 * @param chain the rest of the chain, ending with sending the request
	 * @return the result, usually what {@code chain.proceed()} returned
	 * @throws Throwable to fail the call
	 */
	@Nullable Object invoke(ClientInvocation invocation, Chain chain) throws Throwable;

	/**
	 * The rest of a client middleware chain.
	 */
	@FunctionalInterface
	interface Chain {

		/**
		 * Run the next middleware, or send the call after the last one.
		 * @return the result
		 * @throws Throwable what the call or a later middleware threw
		 */
		@Nullable Object proceed() throws Throwable;

	}

}
