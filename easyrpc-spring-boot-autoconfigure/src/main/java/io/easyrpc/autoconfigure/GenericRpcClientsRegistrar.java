package io.easyrpc.autoconfigure;

import java.util.Map;

import io.easyrpc.client.GenericRpcClient;

import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers a {@link GenericRpcClient} bean named {@code <target>GenericRpcClient} for
 * every entry under {@code easyrpc.client.targets}, each asking {@link GenericRpcClients}
 * for its client when first needed. A bean of that name the application defines wins.
 */
class GenericRpcClientsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

	/** The suffix of the generic client beans' names. */
	static final String BEAN_NAME_SUFFIX = "GenericRpcClient";

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Map<String, Object> targets = Binder.get(this.environment)
			.bind("easyrpc.client.targets", Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		for (String target : targets.keySet()) {
			String name = target + BEAN_NAME_SUFFIX;
			if (registry.containsBeanDefinition(name)) {
				continue;
			}
			// a static factory method, which ahead-of-time processing can write out as
			// code
			RootBeanDefinition definition = new RootBeanDefinition(GenericRpcClients.class);
			definition.setFactoryMethodName("client");
			definition.getConstructorArgumentValues().addIndexedArgumentValue(0, target);
			definition.setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR);
			definition.setTargetType(GenericRpcClient.class);
			definition.setLazyInit(true);
			registry.registerBeanDefinition(name, definition);
		}
	}

}
