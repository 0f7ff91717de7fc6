package io.easyrpc.autoconfigure;

import java.util.Map;

import io.easyrpc.annotation.RpcService;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Condition behind {@link ConditionalOnRpcServerEnabled}: {@code easyrpc.server.enabled}
 * when set, else whether there are gateway routes or {@code @RpcService} beans. Evaluated
 * when beans are registered, so that the application's {@code @RpcService} beans are
 * known.
 */
class OnRpcServerEnabledCondition extends SpringBootCondition implements ConfigurationCondition {

	@Override
	public ConfigurationPhase getConfigurationPhase() {
		return ConfigurationPhase.REGISTER_BEAN;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Boolean enabled = context.getEnvironment().getProperty("easyrpc.server.enabled", Boolean.class);
		if (enabled != null) {
			return new ConditionOutcome(enabled, "easyrpc.server.enabled is " + enabled);
		}
		Map<String, EasyRpcGatewayProperties.Route> routes = Binder.get(context.getEnvironment())
			.bind("easyrpc.gateway.routes", Bindable.mapOf(String.class, EasyRpcGatewayProperties.Route.class))
			.orElse(Map.of());
		if (!routes.isEmpty()) {
			return ConditionOutcome.match("easyrpc.gateway.routes is set");
		}
		int services = countServices(context.getBeanFactory());
		return new ConditionOutcome(services > 0,
				services + " @RpcService bean(s) found and easyrpc.server.enabled not set");
	}

	private static int countServices(ConfigurableListableBeanFactory beanFactory) {
		if (beanFactory == null) {
			return 0;
		}
		int count = 0;
		for (String name : beanFactory.getBeanDefinitionNames()) {
			// FactoryBeans must not be created while conditions are evaluated
			if (!beanFactory.getBeanDefinition(name).isAbstract()
					&& beanFactory.findAnnotationOnBean(name, RpcService.class, false) != null) {
				count++;
			}
		}
		return count;
	}

}
