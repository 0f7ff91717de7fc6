package io.easyrpc.autoconfigure;

import io.easyrpc.annotation.RpcService;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Condition behind {@link ConditionalOnRpcServerEnabled}. Evaluated when beans are
 * registered, so that the application's {@code @RpcService} beans are known.
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
