package io.easyrpc.autoconfigure.security;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.middleware.ServerInvocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link BearerTokenRpcMiddleware} and {@link SecurityExceptionResolver} on one
 * thread, without a server.
 */
class BearerTokenRpcMiddlewareTests {

	private final SecurityContextHolderStrategy strategy = SecurityContextHolder.getContextHolderStrategy();

	private final BearerTokenAuthenticator authenticator = (token) -> {
		if (token.equals("ada-token")) {
			return new TestingAuthenticationToken("ada", null, "SCOPE_inventory.read");
		}
		if (token.equals("unauthenticated-token")) {
			return UsernamePasswordAuthenticationToken.unauthenticated("eve", null);
		}
		if (token.equals("broken-token")) {
			throw new IllegalStateException("cannot read broken-token");
		}
		throw new BadCredentialsException("Unknown token " + token);
	};

	@AfterEach
	void clearContext() {
		this.strategy.clearContext();
	}

	@Test
	void setsAuthenticationForTheChainAndClearsItAfter() throws Throwable {
		AtomicReference<String> seen = new AtomicReference<>();
		Object result = middleware(true).invoke(invocation("Bearer ada-token"), () -> {
			seen.set(this.strategy.getContext().getAuthentication().getName());
			return "ok";
		});
		assertThat(result).isEqualTo("ok");
		assertThat(seen.get()).isEqualTo("ada");
		assertThat(this.strategy.getContext().getAuthentication()).isNull();
	}

	@Test
	void restoresPreviousContextAfterTheCall() throws Throwable {
		SecurityContext outer = this.strategy.createEmptyContext();
		outer.setAuthentication(new TestingAuthenticationToken("outer", null, "ROLE_X"));
		this.strategy.setContext(outer);
		AtomicReference<String> seen = new AtomicReference<>();
		middleware(true).invoke(invocation("Bearer ada-token"), () -> {
			seen.set(this.strategy.getContext().getAuthentication().getName());
			return null;
		});
		assertThat(seen.get()).isEqualTo("ada");
		assertThat(this.strategy.getContext()).isSameAs(outer);
	}

	@Test
	void restoresPreviousContextWhenTheChainThrows() {
		RpcMiddleware.Chain failing = () -> {
			throw new IllegalStateException("boom");
		};
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> middleware(true).invoke(invocation("Bearer ada-token"), failing));
		assertThat(this.strategy.getContext().getAuthentication()).isNull();
	}

	@Test
	void missingTokenIsRefusedWhenRequired() {
		AtomicReference<String> called = new AtomicReference<>();
		assertThatExceptionOfType(RpcException.class)
			.isThrownBy(() -> middleware(true).invoke(invocation(null), () -> called.getAndSet("called")))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
				assertThat(ex.getDescription()).contains("authorization: Bearer <token>");
			});
		assertThat(called.get()).isNull();
	}

	@Test
	void missingTokenRunsWithoutAuthenticationWhenOptional() throws Throwable {
		AtomicReference<Authentication> seen = new AtomicReference<>();
		middleware(false).invoke(invocation(null), () -> {
			seen.set(this.strategy.getContext().getAuthentication());
			return null;
		});
		assertThat(seen.get()).isNull();
	}

	@Test
	void invalidTokenIsRefusedEvenWhenOptional() {
		assertThatExceptionOfType(RpcException.class)
			.isThrownBy(() -> middleware(false).invoke(invocation("Bearer secret-guess"), () -> "ok"))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
				assertThat(ex.getMessage()).doesNotContain("secret-guess");
				assertThat(ex.getDescription()).isEqualTo("Invalid bearer token");
			});
	}

	@Test
	void tokenThatIsNotAuthenticatedIsRefused() {
		assertThatExceptionOfType(RpcException.class)
			.isThrownBy(() -> middleware(true).invoke(invocation("Bearer unauthenticated-token"), () -> "ok"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED));
	}

	@Test
	void failingAuthenticatorRefusesTheCallWithoutTheToken() {
		assertThatExceptionOfType(RpcException.class)
			.isThrownBy(() -> middleware(true).invoke(invocation("Bearer broken-token"), () -> "ok"))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
				assertThat(ex.getMessage()).doesNotContain("broken-token");
			});
	}

	@Test
	void otherSchemesAreRefused() {
		assertThatExceptionOfType(RpcException.class)
			.isThrownBy(() -> middleware(false).invoke(invocation("Basic YWRhOnB3"), () -> "ok"))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
				assertThat(ex.getMessage()).doesNotContain("YWRhOnB3");
			});
	}

	@Test
	void monoResultSeesAuthenticationInReactorContext() throws Throwable {
		Object result = middleware(true).invoke(invocation("Bearer ada-token"),
				() -> ReactiveSecurityContextHolder.getContext()
					.map((context) -> context.getAuthentication().getName()));
		assertThat(result).isInstanceOf(Mono.class);
		assertThat(((Mono<?>) result).block()).isEqualTo("ada");
	}

	@Test
	void resolverMapsSecurityExceptions() {
		SecurityExceptionResolver resolver = new SecurityExceptionResolver();
		RpcException denied = resolver
			.resolve(new AuthorizationDeniedException("Access Denied", new AuthorizationDecision(false)), null);
		assertThat(denied.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED);
		assertThat(denied.getRemoteClassName()).isEqualTo(AuthorizationDeniedException.class.getName());
		assertThat(resolver.resolve(new AuthenticationCredentialsNotFoundException("none"), null).getStatus())
			.isEqualTo(RpcStatus.UNAUTHENTICATED);
		RpcException bad = resolver.resolve(new BadCredentialsException("token t0p-secret"), null);
		assertThat(bad.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
		assertThat(bad.getMessage()).doesNotContain("t0p-secret");
		assertThat(resolver.resolve(new IllegalStateException("x"), null)).isNull();
	}

	private BearerTokenRpcMiddleware middleware(boolean required) {
		return new BearerTokenRpcMiddleware(this.authenticator, required, this.strategy);
	}

	private static ServerInvocation invocation(String authorization) {
		Map<String, String> headers = (authorization != null) ? Map.of("authorization", authorization) : Map.of();
		RpcContext context = new RpcContext("Inventory.find", null, headers, 0, null, null);
		return new ServerInvocation() {

			@Override
			public String methodKey() {
				return context.methodKey();
			}

			@Override
			public Method method() {
				return null;
			}

			@Override
			public Object service() {
				return null;
			}

			@Override
			public Object[] arguments() {
				return new Object[0];
			}

			@Override
			public RpcContext context() {
				return context;
			}

			@Override
			public boolean isOneWay() {
				return false;
			}

		};
	}

}
