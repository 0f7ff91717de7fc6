package io.easyrpc.autoconfigure.security;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.middleware.BearerTokenClientMiddleware;
import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.middleware.ServerInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * Server middleware that authenticates each call with the bearer token of its
 * {@code authorization} metadata and runs the rest of the chain, and so the service
 * method, with a {@link SecurityContext} that holds the authentication. Method security
 * such as {@code @PreAuthorize} then applies to service methods, and
 * {@code SecurityContextHolder} returns the caller.
 * <p>
 * A call without a token is refused with {@link RpcStatus#UNAUTHENTICATED} when tokens
 * are required, and otherwise runs without an authentication. A call with a malformed or
 * invalid token is always refused with {@link RpcStatus#UNAUTHENTICATED}; the message
 * does not repeat the token, and the reason is logged at DEBUG.
 * <p>
 * The context is set on the thread that runs the method for as long as the method runs
 * there, then the previous context is restored. Methods that return a
 * {@code CompletableFuture} see it only in their synchronous part, not in stages that
 * complete on other threads; methods that return a {@code Mono} also find the
 * authentication in the Reactor context ({@link ReactiveSecurityContextHolder}).
 */
public final class BearerTokenRpcMiddleware implements RpcMiddleware, Ordered {

	/**
	 * Order of the middleware: before other middleware, so that they see the caller.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private static final Logger logger = LoggerFactory.getLogger(BearerTokenRpcMiddleware.class);

	private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Mono",
			BearerTokenRpcMiddleware.class.getClassLoader());

	private static final String INVALID_TOKEN = "Invalid bearer token";

	private final BearerTokenAuthenticator authenticator;

	private final boolean required;

	private final SecurityContextHolderStrategy strategy;

	/**
	 * Create a middleware that requires a token and uses the global
	 * {@link SecurityContextHolder} strategy.
	 * @param authenticator authenticates tokens
	 */
	public BearerTokenRpcMiddleware(BearerTokenAuthenticator authenticator) {
		this(authenticator, true, SecurityContextHolder.getContextHolderStrategy());
	}

	/**
	 * Create a middleware.
	 * @param authenticator authenticates tokens
	 * @param required whether calls without a token are refused
	 * @param strategy where the security context of the call is kept
	 */
	public BearerTokenRpcMiddleware(BearerTokenAuthenticator authenticator, boolean required,
			SecurityContextHolderStrategy strategy) {
		Assert.notNull(authenticator, "authenticator must not be null");
		Assert.notNull(strategy, "strategy must not be null");
		this.authenticator = authenticator;
		this.required = required;
		this.strategy = strategy;
	}

	/**
	 * Return whether calls without a token are refused.
	 * @return {@code true} if a token is required
	 */
	public boolean isRequired() {
		return this.required;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Object invoke(ServerInvocation invocation, Chain chain) throws Throwable {
		String header = BearerTokenClientMiddleware.authorization(invocation.headers());
		if (header == null) {
			if (this.required) {
				logger.debug("easyrpc call {} from {} refused: no bearer token", invocation.methodKey(),
						invocation.peerAddress());
				throw new RpcException(RpcStatus.UNAUTHENTICATED,
						"A bearer token is required: send 'authorization: Bearer <token>' metadata");
			}
			return chain.proceed();
		}
		String token = BearerTokenClientMiddleware.bearerToken(header);
		if (token == null) {
			logger.debug("easyrpc call {} from {} refused: 'authorization' metadata is not a bearer token",
					invocation.methodKey(), invocation.peerAddress());
			throw new RpcException(RpcStatus.UNAUTHENTICATED, "The 'authorization' metadata must be 'Bearer <token>'");
		}
		Authentication authentication = authenticate(token, invocation);
		SecurityContext previous = this.strategy.getContext();
		SecurityContext context = this.strategy.createEmptyContext();
		context.setAuthentication(authentication);
		this.strategy.setContext(context);
		try {
			Object result = chain.proceed();
			return REACTOR_PRESENT ? ReactorSecurityContext.propagate(result, context) : result;
		}
		finally {
			if (previous == null || previous.getAuthentication() == null) {
				this.strategy.clearContext();
			}
			else {
				this.strategy.setContext(previous);
			}
		}
	}

	private Authentication authenticate(String token, ServerInvocation invocation) {
		Authentication authentication;
		try {
			authentication = this.authenticator.authenticate(token);
		}
		catch (AuthenticationServiceException ex) {
			logger.warn("easyrpc call {} from {} refused: the bearer token could not be checked ({})",
					invocation.methodKey(), invocation.peerAddress(), describe(ex, token));
			throw new RpcException(RpcStatus.UNAUTHENTICATED, INVALID_TOKEN);
		}
		catch (AuthenticationException ex) {
			logger.debug("easyrpc call {} from {} refused: {}", invocation.methodKey(), invocation.peerAddress(),
					describe(ex, token));
			throw new RpcException(RpcStatus.UNAUTHENTICATED, INVALID_TOKEN);
		}
		catch (RuntimeException ex) {
			logger.warn("easyrpc call {} from {} refused: the bearer token authenticator failed ({})",
					invocation.methodKey(), invocation.peerAddress(), describe(ex, token));
			throw new RpcException(RpcStatus.UNAUTHENTICATED, INVALID_TOKEN);
		}
		if (authentication == null || !authentication.isAuthenticated()) {
			logger.debug("easyrpc call {} from {} refused: the bearer token was not authenticated",
					invocation.methodKey(), invocation.peerAddress());
			throw new RpcException(RpcStatus.UNAUTHENTICATED, INVALID_TOKEN);
		}
		return authentication;
	}

	private static String describe(Exception ex, String token) {
		String message = ex.getMessage();
		if (message == null) {
			return ex.getClass().getName();
		}
		return ex.getClass().getName() + ": " + message.replace(token, "[token]");
	}

	@Override
	public String toString() {
		return "BearerTokenRpcMiddleware (" + (this.required ? "required" : "optional") + ", " + this.authenticator
				+ ")";
	}

	/**
	 * Makes the security context of the call visible to subscribers of a {@code Mono}
	 * result, which run after the method has returned.
	 */
	private static final class ReactorSecurityContext {

		static Object propagate(Object result, SecurityContext context) {
			if (result instanceof Mono<?> mono) {
				return mono.contextWrite(ReactiveSecurityContextHolder.withSecurityContext(Mono.just(context)));
			}
			return result;
		}

	}

}
