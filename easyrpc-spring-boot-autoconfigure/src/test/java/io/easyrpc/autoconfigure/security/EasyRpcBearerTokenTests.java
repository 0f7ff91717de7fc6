package io.easyrpc.autoconfigure.security;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcExceptionHandler;
import io.easyrpc.RpcMethod;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.middleware.BearerTokenSource;
import io.easyrpc.middleware.RpcMiddleware;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Bearer tokens from an auto-configured client context to an auto-configured server
 * context with Spring Security, over a real socket: JWTs checked by a {@link JwtDecoder},
 * opaque tokens checked by an {@link AuthenticationManager}, and {@code @PreAuthorize} on
 * service methods.
 */
class EasyRpcBearerTokenTests {

	private static final SecretKey KEY = new SecretKeySpec(randomBytes(32), "HmacSHA256");

	private static final SecretKey OTHER_KEY = new SecretKeySpec(randomBytes(32), "HmacSHA256");

	private static final String ADA_WRITER = jwt(KEY, "ada", "inventory.read inventory.write", Duration.ofHours(1));

	private static final String ADA_READER = jwt(KEY, "ada", "inventory.read", Duration.ofHours(1));

	private static final String GRACE = jwt(KEY, "grace", "inventory.read", Duration.ofHours(1));

	private static final String FORGED = jwt(OTHER_KEY, "mallory", "inventory.write", Duration.ofHours(1));

	private static final String EXPIRED = jwt(KEY, "ada", "inventory.write", Duration.ofHours(-1));

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class, EasyRpcSecurityAutoConfiguration.class))
		.withUserConfiguration(MethodSecurityConfiguration.class)
		.withBean(InventoryService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=2s");

	private final ApplicationContextRunner jwtServerRunner = this.serverRunner.withBean(JwtDecoder.class,
			() -> NimbusJwtDecoder.withSecretKey(KEY).build());

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(InventoryClientConfiguration.class)
		.withPropertyValues("easyrpc.client.timeout=30s");

	@Test
	void whenJwtCarriesScopeThenServiceSeesCallerAndPreAuthorizeAllows() {
		withClient(this.jwtServerRunner, this.clientRunner.withPropertyValues(token(ADA_WRITER)), (inventory) -> {
			assertThat(inventory.whoAmI()).isEqualTo("ada");
			assertThat(inventory.authorities()).contains("SCOPE_inventory.read", "SCOPE_inventory.write");
			assertThat(inventory.addStock("sku-1", 5)).isEqualTo(5);
		});
	}

	@Test
	void whenJwtLacksScopeThenPreAuthorizeDeniesWithPermissionDenied() {
		withClient(this.jwtServerRunner, this.clientRunner.withPropertyValues(token(ADA_READER)), (inventory) -> {
			assertThat(inventory.whoAmI()).isEqualTo("ada");
			assertFailsWith(RpcStatus.PERMISSION_DENIED, () -> inventory.addStock("sku-1", 5));
		});
	}

	@Test
	void whenJwtIsSignedWithAnotherKeyThenCallIsUnauthenticated() {
		withClient(this.jwtServerRunner, this.clientRunner.withPropertyValues(token(FORGED)),
				(inventory) -> assertFailsWith(RpcStatus.UNAUTHENTICATED, inventory::whoAmI).satisfies((ex) -> {
					assertThat(ex.getDescription()).isEqualTo("Invalid bearer token");
					assertThat(ex.getMessage()).doesNotContain(FORGED);
				}));
	}

	@Test
	void whenJwtIsExpiredThenCallIsUnauthenticated() {
		withClient(this.jwtServerRunner, this.clientRunner.withPropertyValues(token(EXPIRED)),
				(inventory) -> assertFailsWith(RpcStatus.UNAUTHENTICATED, inventory::whoAmI));
	}

	@Test
	void whenTokenIsNotAJwtThenCallIsUnauthenticated() {
		withClient(this.jwtServerRunner, this.clientRunner.withPropertyValues(token("not-a-jwt")),
				(inventory) -> assertFailsWith(RpcStatus.UNAUTHENTICATED, inventory::whoAmI)
					.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("not-a-jwt")));
	}

	@Test
	void whenTokenIsMissingThenCallIsUnauthenticated() {
		withClient(this.jwtServerRunner, this.clientRunner,
				(inventory) -> assertFailsWith(RpcStatus.UNAUTHENTICATED, inventory::whoAmI)
					.satisfies((ex) -> assertThat(ex.getDescription()).contains("bearer token is required")));
	}

	@Test
	void whenAuthorizationUsesAnotherSchemeThenCallIsUnauthenticated() {
		withClient(this.jwtServerRunner, this.clientRunner, (inventory) -> {
			try (RpcContext.Scope scope = RpcContext.withMetadata(Map.of("authorization", "Basic YWRhOnB3"))) {
				assertFailsWith(RpcStatus.UNAUTHENTICATED, inventory::whoAmI);
			}
		});
	}

	@Test
	void whenTokenIsOptionalAndMissingThenCallRunsAnonymouslyAndMethodSecurityRefuses() {
		withClient(this.jwtServerRunner.withPropertyValues("easyrpc.server.auth.bearer.required=false"),
				this.clientRunner, (inventory) -> {
					assertThat(inventory.whoAmI()).isEqualTo("anonymous");
					assertFailsWith(RpcStatus.UNAUTHENTICATED, () -> inventory.addStock("sku-1", 5));
				});
	}

	@Test
	void whenTokenIsOptionalAndInvalidThenCallIsStillUnauthenticated() {
		withClient(this.jwtServerRunner.withPropertyValues("easyrpc.server.auth.bearer.required=false"),
				this.clientRunner.withPropertyValues(token(FORGED)),
				(inventory) -> assertFailsWith(RpcStatus.UNAUTHENTICATED, inventory::whoAmI));
	}

	@Test
	void whenCallEndsThenWorkerThreadKeepsNoSecurityContext() {
		ApplicationContextRunner server = this.jwtServerRunner
			.withPropertyValues("easyrpc.server.auth.bearer.required=false")
			.withBean(EasyRpcServerAutoConfiguration.EXECUTOR_BEAN_NAME, ExecutorService.class,
					Executors::newSingleThreadExecutor, (definition) -> definition.setDestroyMethodName("shutdown"));
		withClient(server, this.clientRunner, (inventory) -> {
			try (RpcContext.Scope scope = RpcContext.withMetadata(Map.of("authorization", "Bearer " + ADA_WRITER))) {
				assertThat(inventory.whoAmI()).isEqualTo("ada");
			}
			assertThat(inventory.whoAmI()).isEqualTo("anonymous");
		});
	}

	@Test
	void whenCallerSetsAuthorizationThenItWinsOverConfiguredToken() {
		withClient(this.jwtServerRunner, this.clientRunner.withPropertyValues(token(ADA_WRITER)), (inventory) -> {
			try (RpcContext.Scope scope = RpcContext.withMetadata(Map.of("authorization", "Bearer " + GRACE))) {
				assertThat(inventory.whoAmI()).isEqualTo("grace");
			}
			assertThat(inventory.whoAmI()).isEqualTo("ada");
		});
	}

	@Test
	void whenTokenSourceBeanIsDefinedThenEachCallCarriesItsCurrentToken() {
		AtomicReference<String> current = new AtomicReference<>(ADA_WRITER);
		withClient(this.jwtServerRunner, this.clientRunner.withBean(BearerTokenSource.class, () -> current::get),
				(inventory) -> {
					assertThat(inventory.whoAmI()).isEqualTo("ada");
					current.set(GRACE);
					assertThat(inventory.whoAmI()).isEqualTo("grace");
				});
	}

	@Test
	void whenTokenSourceBeanAndPropertyAreSetThenBeanWins() {
		withClient(this.jwtServerRunner,
				this.clientRunner.withPropertyValues(token(ADA_WRITER))
					.withBean(BearerTokenSource.class, () -> () -> GRACE),
				(inventory) -> assertThat(inventory.whoAmI()).isEqualTo("grace"));
	}

	@Test
	void whenTargetHasItsOwnTokenThenItWinsOverGlobalToken() {
		withClient(this.jwtServerRunner,
				this.clientRunner.withPropertyValues(token(ADA_WRITER),
						"easyrpc.client.targets.inventory.auth.bearer-token=" + GRACE),
				(inventory) -> assertThat(inventory.whoAmI()).isEqualTo("grace"));
	}

	@Test
	void whenTargetTokenIsEmptyThenNoTokenIsSentToIt() {
		withClient(this.jwtServerRunner,
				this.clientRunner.withPropertyValues(token(ADA_WRITER),
						"easyrpc.client.targets.inventory.auth.bearer-token="),
				(inventory) -> assertFailsWith(RpcStatus.UNAUTHENTICATED, inventory::whoAmI));
	}

	@Test
	void whenMethodReturnsMonoThenReactiveSecurityContextHoldsCaller() {
		withClient(this.jwtServerRunner, this.clientRunner.withPropertyValues(token(ADA_WRITER)),
				(inventory) -> assertThat(inventory.whoAmIReactive().block(Duration.ofSeconds(30))).isEqualTo("ada"));
	}

	@Test
	void whenMethodIsNonBlockingOrReturnsFutureThenItsSynchronousPartSeesCaller() {
		withClient(this.jwtServerRunner.withPropertyValues("easyrpc.server.auth.bearer.required=false"),
				this.clientRunner, (inventory) -> {
					try (RpcContext.Scope scope = RpcContext
						.withMetadata(Map.of("authorization", "Bearer " + ADA_WRITER))) {
						assertThat(inventory.whoAmIOnIoThread()).isEqualTo("ada");
						assertThat(inventory.whoAmIAsync().get(30, TimeUnit.SECONDS)).isEqualTo("ada");
					}
					assertThat(inventory.whoAmIOnIoThread()).isEqualTo("anonymous");
					assertThat(inventory.whoAmIAsync().get(30, TimeUnit.SECONDS)).isEqualTo("anonymous");
				});
	}

	@Test
	void whenAuthenticationManagerIsDefinedThenItAuthenticatesOpaqueTokens() {
		ApplicationContextRunner server = this.serverRunner.withBean(AuthenticationManager.class,
				() -> EasyRpcBearerTokenTests::authenticateOpaque);
		withClient(server, this.clientRunner.withPropertyValues(token("opaque-ada")), (inventory) -> {
			assertThat(inventory.whoAmI()).isEqualTo("ada");
			assertThat(inventory.addStock("sku-1", 3)).isEqualTo(3);
		});
		withClient(server, this.clientRunner.withPropertyValues(token("opaque-mallory")),
				(inventory) -> assertFailsWith(RpcStatus.UNAUTHENTICATED, inventory::whoAmI)
					.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("opaque-mallory")));
	}

	@Test
	void whenBearerAuthenticationIsDisabledThenCallsRunAnonymouslyAndMethodSecurityRefuses() {
		withClient(this.jwtServerRunner.withPropertyValues("easyrpc.server.auth.bearer.enabled=false"),
				this.clientRunner.withPropertyValues(token(ADA_WRITER)), (inventory) -> {
					assertThat(inventory.whoAmI()).isEqualTo("anonymous");
					assertFailsWith(RpcStatus.UNAUTHENTICATED, () -> inventory.addStock("sku-1", 5));
				});
	}

	@Test
	void whenApplicationHasMiddlewareThenItSeesAuthenticatedCaller() {
		List<String> seen = new CopyOnWriteArrayList<>();
		RpcMiddleware recorder = (invocation, chain) -> {
			Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
			seen.add(
					invocation.methodKey() + " by " + ((authentication != null) ? authentication.getName() : "nobody"));
			return chain.proceed();
		};
		withClient(this.jwtServerRunner.withBean(RpcMiddleware.class, () -> recorder),
				this.clientRunner.withPropertyValues(token(ADA_WRITER)), (inventory) -> {
					assertThat(inventory.whoAmI()).isEqualTo("ada");
					assertThat(seen).containsExactly("Inventory.whoAmI by ada");
				});
	}

	@Test
	void whenApplicationHandlesAccessDeniedThenItsHandlerWins() {
		withClient(this.jwtServerRunner.withBean(AccessDeniedHandlers.class),
				this.clientRunner.withPropertyValues(token(ADA_READER)),
				(inventory) -> assertFailsWith(RpcStatus.PERMISSION_DENIED, () -> inventory.addStock("sku-1", 5))
					.satisfies((ex) -> assertThat(ex.getDescription()).isEqualTo("Only writers add stock")));
	}

	private static Authentication authenticateOpaque(Authentication authentication) {
		String token = ((BearerTokenAuthenticationToken) authentication).getToken();
		if (token.equals("opaque-ada")) {
			return UsernamePasswordAuthenticationToken.authenticated("ada", null,
					AuthorityUtils.createAuthorityList("SCOPE_inventory.write"));
		}
		throw new BadCredentialsException("Unknown token " + token);
	}

	private static String token(String token) {
		return "easyrpc.client.auth.bearer-token=" + token;
	}

	private static ThrowableAssertAlternative<RpcException> assertFailsWith(RpcStatus status, Runnable call) {
		return assertThatExceptionOfType(RpcException.class).isThrownBy(call::run)
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(status));
	}

	private void withClient(ApplicationContextRunner server, ApplicationContextRunner client, InventoryCalls consumer) {
		server.run((serverContext) -> {
			assertThat(serverContext).hasNotFailed();
			String port = serverContext.getEnvironment().getProperty("local.easyrpc.port");
			client.withPropertyValues("easyrpc.client.targets.inventory.address=tcp://127.0.0.1:" + port)
				.run((clientContext) -> {
					assertThat(clientContext).hasNotFailed();
					consumer.accept(clientContext.getBean(InventoryClient.class));
				});
		});
	}

	private static String jwt(SecretKey key, String subject, String scope, Duration validity) {
		Instant now = Instant.now();
		Instant expiresAt = now.plus(validity);
		Instant issuedAt = validity.isNegative() ? expiresAt.minus(Duration.ofHours(1)) : now;
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject(subject)
			.claim("scope", scope)
			.issuedAt(issuedAt)
			.expiresAt(expiresAt)
			.build();
		NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableSecret<>(key));
		return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
			.getTokenValue();
	}

	private static byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		new SecureRandom().nextBytes(bytes);
		return bytes;
	}

	@FunctionalInterface
	interface InventoryCalls {

		void accept(Inventory inventory) throws Throwable;

	}

	public interface Inventory {

		String whoAmI();

		List<String> authorities();

		int addStock(String sku, int quantity);

		Mono<String> whoAmIReactive();

		@RpcMethod(nonBlocking = true)
		String whoAmIOnIoThread();

		CompletableFuture<String> whoAmIAsync();

	}

	@RpcClient(target = "inventory")
	public interface InventoryClient extends Inventory {

	}

	@RpcService
	static class InventoryService implements Inventory {

		@Override
		public String whoAmI() {
			Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
			return (authentication != null) ? authentication.getName() : "anonymous";
		}

		@Override
		public List<String> authorities() {
			return AuthorityUtils
				.authorityListToSet(SecurityContextHolder.getContext().getAuthentication().getAuthorities())
				.stream()
				.sorted()
				.toList();
		}

		@Override
		@PreAuthorize("hasAuthority('SCOPE_inventory.write')")
		public int addStock(String sku, int quantity) {
			return quantity;
		}

		@Override
		public String whoAmIOnIoThread() {
			return whoAmI();
		}

		@Override
		public CompletableFuture<String> whoAmIAsync() {
			return CompletableFuture.completedFuture(whoAmI());
		}

		@Override
		public Mono<String> whoAmIReactive() {
			return ReactiveSecurityContextHolder.getContext()
				.map((context) -> context.getAuthentication().getName())
				.defaultIfEmpty("anonymous");
		}

	}

	static class AccessDeniedHandlers {

		@RpcExceptionHandler
		RpcException denied(AccessDeniedException ex) {
			return new RpcException(RpcStatus.PERMISSION_DENIED, "Only writers add stock");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableMethodSecurity
	static class MethodSecurityConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = InventoryClient.class)
	static class InventoryClientConfiguration {

	}

}
