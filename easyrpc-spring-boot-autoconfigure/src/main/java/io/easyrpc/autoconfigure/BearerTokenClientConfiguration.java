package io.easyrpc.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.easyrpc.middleware.BearerTokenClientMiddleware;
import io.easyrpc.middleware.BearerTokenSource;
import io.easyrpc.transport.RpcAddress;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Adds the {@link BearerTokenClientMiddleware} when a bearer token is configured: a
 * {@link BearerTokenSource} bean, {@code easyrpc.client.auth.bearer-token} or a target's
 * {@code auth.bearer-token}.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(BearerTokenClientConfiguration.OnBearerTokenCondition.class)
class BearerTokenClientConfiguration {

	/**
	 * Order of the bearer token middleware: it runs outside other client middleware, so
	 * that they see the header it adds.
	 */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	@Bean
	@Order(ORDER)
	@ConditionalOnMissingBean
	BearerTokenClientMiddleware easyRpcBearerTokenClientMiddleware(EasyRpcClientProperties properties,
			ObjectProvider<BearerTokenSource> sources) {
		BearerTokenClientMiddleware.Builder builder = BearerTokenClientMiddleware.builder();
		BearerTokenSource source = sources.getIfAvailable();
		if (source != null) {
			builder.tokenSource(source);
		}
		else if (StringUtils.hasText(properties.getAuth().getBearerToken())) {
			builder.token(properties.getAuth().getBearerToken());
		}
		targetTokens(properties).forEach(builder::target);
		return builder.build();
	}

	private static Map<String, String> targetTokens(EasyRpcClientProperties properties) {
		Map<String, String> tokens = new LinkedHashMap<>();
		Map<String, String> names = new LinkedHashMap<>();
		properties.getTargets().forEach((name, target) -> {
			String token = target.getAuth().getBearerToken();
			if (token == null || !StringUtils.hasText(target.getAddress())) {
				return;
			}
			String address;
			try {
				address = RpcAddress.parse(target.getAddress()).toString();
			}
			catch (IllegalArgumentException ex) {
				throw new RpcConfigurationException("easyrpc.client.targets." + name + ".address",
						"easyrpc.client.targets." + name + ".address: " + ex.getMessage(), null, ex);
			}
			String previous = tokens.putIfAbsent(address, token);
			if (previous != null && !Objects.equals(previous, token)) {
				throw new RpcConfigurationException("easyrpc.client.targets." + name + ".auth.bearer-token",
						"easyrpc client targets '" + names.get(address) + "' and '" + name + "' share the address "
								+ address + " but set different auth.bearer-token values; "
								+ "a connection carries one token per address");
			}
			names.putIfAbsent(address, name);
		});
		return tokens;
	}

	static class OnBearerTokenCondition extends AnyNestedCondition {

		OnBearerTokenCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(BearerTokenSource.class)
		static class OnTokenSourceBean {

		}

		@Conditional(OnBearerTokenPropertyCondition.class)
		static class OnTokenProperty {

		}

	}

	static class OnBearerTokenPropertyCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Binder binder = Binder.get(context.getEnvironment());
			if (StringUtils.hasText(binder.bind("easyrpc.client.auth.bearer-token", String.class).orElse(null))) {
				return ConditionOutcome.match("easyrpc.client.auth.bearer-token is set");
			}
			Map<String, EasyRpcClientProperties.Target> targets = binder
				.bind("easyrpc.client.targets", Bindable.mapOf(String.class, EasyRpcClientProperties.Target.class))
				.orElse(Map.of());
			for (Map.Entry<String, EasyRpcClientProperties.Target> target : targets.entrySet()) {
				if (target.getValue().getAuth().getBearerToken() != null) {
					return ConditionOutcome
						.match("easyrpc.client.targets." + target.getKey() + ".auth.bearer-token is set");
				}
			}
			return ConditionOutcome.noMatch("no easyrpc client bearer token is set");
		}

	}

}
