package io.easyrpc.autoconfigure.security;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.server.RpcExceptionResolver;
import io.easyrpc.server.ServerMethod;

import org.springframework.core.Ordered;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.AuthenticationException;

/**
 * Maps Spring Security's exceptions thrown while serving a call to statuses: an
 * {@link AccessDeniedException} (also {@code AuthorizationDeniedException}, thrown by
 * {@code @PreAuthorize} and the other method security annotations) to
 * {@link RpcStatus#PERMISSION_DENIED}, an {@link AuthenticationException} to
 * {@link RpcStatus#UNAUTHENTICATED}. It runs after the application's
 * {@link io.easyrpc.annotation.RpcExceptionHandler @RpcExceptionHandler} methods, which
 * may map these exceptions otherwise.
 */
public final class SecurityExceptionResolver implements RpcExceptionResolver, Ordered {

	@Override
	public RpcException resolve(Throwable exception, ServerMethod method) {
		if (exception instanceof AccessDeniedException) {
			String message = (exception.getMessage() != null) ? exception.getMessage() : "Access denied";
			return new RpcException(RpcStatus.PERMISSION_DENIED, message, exception.getClass().getName(), null, null);
		}
		if (exception instanceof AuthenticationCredentialsNotFoundException) {
			return new RpcException(RpcStatus.UNAUTHENTICATED, "The call carries no credentials",
					exception.getClass().getName(), null, null);
		}
		if (exception instanceof AuthenticationException) {
			return new RpcException(RpcStatus.UNAUTHENTICATED, "Authentication failed", exception.getClass().getName(),
					null, null);
		}
		return null;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
