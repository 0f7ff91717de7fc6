package io.easyrpc.server;

import io.easyrpc.RpcException;
import org.jspecify.annotations.Nullable;

/**
 * Maps an exception thrown while serving a call to the {@link RpcException} reported to
 * the caller. Resolvers are consulted in order before the built-in rules; the first
 * non-{@code null} answer wins.
 */
@FunctionalInterface
public interface RpcExceptionResolver {

	/**
	 * Resolve an exception.
	 * @param exception the exception thrown by the service method or the server
	 * @param method the method being served, or {@code null} if the failure happened
	 * before a method was found
	 * @return the error to report (its status, {@link RpcException#getDescription()
	 * description} and {@link RpcException#getRemoteClassName() remote class name} are
	 * sent), or {@code null} to leave the exception to the next resolver
	 */
	@Nullable RpcException resolve(Throwable exception, @Nullable ServerMethod method);

}
