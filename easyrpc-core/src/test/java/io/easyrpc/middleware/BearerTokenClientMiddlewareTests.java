package io.easyrpc.middleware;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link BearerTokenClientMiddleware}.
 */
class BearerTokenClientMiddlewareTests {

	@Test
	void addsBearerHeaderFromSource() throws Throwable {
		Call call = new Call("tcp://localhost:7070", Map.of());
		BearerTokenClientMiddleware.of(() -> "abc").invoke(call, call);
		assertThat(call.sent).containsEntry("authorization", "Bearer abc");
	}

	@Test
	void asksSourceOnEveryCall() throws Throwable {
		AtomicInteger counter = new AtomicInteger();
		BearerTokenClientMiddleware middleware = BearerTokenClientMiddleware
			.of(() -> "token-" + counter.incrementAndGet());
		Call first = new Call("tcp://localhost:7070", Map.of());
		middleware.invoke(first, first);
		Call second = new Call("tcp://localhost:7070", Map.of());
		middleware.invoke(second, second);
		assertThat(first.sent).containsEntry("authorization", "Bearer token-1");
		assertThat(second.sent).containsEntry("authorization", "Bearer token-2");
	}

	@Test
	void keepsAuthorizationHeaderSetByCaller() throws Throwable {
		AtomicReference<String> asked = new AtomicReference<>();
		BearerTokenClientMiddleware middleware = BearerTokenClientMiddleware.of(() -> {
			asked.set("asked");
			return "abc";
		});
		Call call = new Call("tcp://localhost:7070", Map.of("Authorization", "Bearer mine"));
		middleware.invoke(call, call);
		assertThat(call.sent).containsEntry("Authorization", "Bearer mine").doesNotContainKey("authorization");
		assertThat(asked.get()).isNull();
	}

	@Test
	void sendsNoHeaderWhenSourceHasNoToken() throws Throwable {
		for (String token : new String[] { null, "", "  " }) {
			Call call = new Call("tcp://localhost:7070", Map.of());
			BearerTokenClientMiddleware.of(() -> token).invoke(call, call);
			assertThat(call.sent).doesNotContainKey("authorization");
		}
	}

	@Test
	void doesNotRepeatTheScheme() throws Throwable {
		Call call = new Call("tcp://localhost:7070", Map.of());
		BearerTokenClientMiddleware.of(() -> "bearer  abc ").invoke(call, call);
		assertThat(call.sent).containsEntry("authorization", "Bearer abc");
	}

	@Test
	void targetTokenWinsOverDefault() throws Throwable {
		BearerTokenClientMiddleware middleware = BearerTokenClientMiddleware.builder()
			.token("global")
			.target("tcp://inventory:7070", "inventory-token")
			.target("tcp://public:7070", "")
			.build();
		Call inventory = new Call("tcp://inventory:7070", Map.of());
		middleware.invoke(inventory, inventory);
		Call other = new Call("tcp://billing:7070", Map.of());
		middleware.invoke(other, other);
		Call open = new Call("tcp://public:7070", Map.of());
		middleware.invoke(open, open);
		assertThat(inventory.sent).containsEntry("authorization", "Bearer inventory-token");
		assertThat(other.sent).containsEntry("authorization", "Bearer global");
		assertThat(open.sent).doesNotContainKey("authorization");
	}

	@Test
	void targetAddressesAreNormalized() throws Throwable {
		BearerTokenClientMiddleware middleware = BearerTokenClientMiddleware.builder()
			.target(" tcp://[::1]:7070", "v6")
			.build();
		Call call = new Call("tcp://[::1]:7070", Map.of());
		middleware.invoke(call, call);
		assertThat(call.sent).containsEntry("authorization", "Bearer v6");
	}

	@Test
	void withoutDefaultOtherTargetsGetNoToken() throws Throwable {
		BearerTokenClientMiddleware middleware = BearerTokenClientMiddleware.builder()
			.target("inproc://inventory", "t")
			.build();
		Call call = new Call("inproc://billing", Map.of());
		middleware.invoke(call, call);
		assertThat(call.sent).isEmpty();
	}

	@Test
	void invalidTargetAddressIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BearerTokenClientMiddleware.builder().target("http://x", "t"))
			.withMessageContaining("tcp");
	}

	@Test
	void parsesBearerHeaderValues() {
		assertThat(BearerTokenClientMiddleware.bearerToken("Bearer abc")).isEqualTo("abc");
		assertThat(BearerTokenClientMiddleware.bearerToken("bearer   abc  ")).isEqualTo("abc");
		assertThat(BearerTokenClientMiddleware.bearerToken("Basic abc")).isNull();
		assertThat(BearerTokenClientMiddleware.bearerToken("Bearer ")).isNull();
		assertThat(BearerTokenClientMiddleware.bearerToken("Bearerabc")).isNull();
		assertThat(BearerTokenClientMiddleware.bearerToken(null)).isNull();
	}

	@Test
	void findsAuthorizationHeaderWhateverItsCase() {
		assertThat(BearerTokenClientMiddleware.authorization(Map.of("AUTHORIZATION", "x"))).isEqualTo("x");
		assertThat(BearerTokenClientMiddleware.authorization(Map.of("other", "x"))).isNull();
	}

	private static final class Call implements ClientInvocation, RpcClientMiddleware.Chain {

		private final String target;

		private final Map<String, String> headers;

		private Map<String, String> sent;

		Call(String target, Map<String, String> headers) {
			this.target = target;
			this.headers = new LinkedHashMap<>(headers);
		}

		@Override
		public Object proceed() {
			this.sent = Map.copyOf(this.headers);
			return "result";
		}

		@Override
		public String methodKey() {
			return "Inventory.find";
		}

		@Override
		public Method method() {
			return null;
		}

		@Override
		public Object[] arguments() {
			return new Object[0];
		}

		@Override
		public String target() {
			return this.target;
		}

		@Override
		public Map<String, String> headers() {
			return this.headers;
		}

	}

}
