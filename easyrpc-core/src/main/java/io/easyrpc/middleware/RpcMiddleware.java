package io.easyrpc.middleware;

import org.jspecify.annotations.Nullable;

/**
 * Wraps every invocation of a service method on the server. Global middleware applies to
 * every service, in order; a service may add its own, which run inside the global ones.
 * <p>
 * A middleware runs on the thread that runs the method (a worker, a virtual thread, or
 * the I/O thread for non-blocking methods) just around it, so thread-bound state it sets,
 * such as a security context, is what the method sees. It may
 * <ul>
 * <li>read the call's metadata, peer and arguments, and replace arguments;</li>
 * <li>short-circuit by throwing, typically an {@link io.easyrpc.RpcException} with a
 * status: the caller receives that status, and any other exception is mapped to a status
 * like one thrown by the method;</li>
 * <li>observe or replace the result that {@link Chain#proceed()} returns.</li>
 * </ul>
 * For methods that return a {@code CompletableFuture}, {@code CompletionStage} or
 * {@code Mono}, the result is that value, not what it completes with.
 */
@FunctionalInterface
public interface RpcMiddleware {

	/**
	 * Handle an invocation.
	 * @param invocation the invocation
	 * @param chain the rest of the chain, ending with the method itself
	 * @return the result, usually what {@code chain.proceed()} returned
	 * @throws Throwable to fail the call
	 */
	@Nullable Object invoke(ServerInvocation invocation, Chain chain) throws Throwable;

	/**
	 * The rest of a middleware chain.
	 */
	@FunctionalInterface
	interface Chain {

		/**
		 * Run the next middleware, or the method after the last one.
		 * @return the result
		 * @throws Throwable what the method or a later middleware threw
		 */
		@Nullable Object proceed() throws Throwable;

	}

}
