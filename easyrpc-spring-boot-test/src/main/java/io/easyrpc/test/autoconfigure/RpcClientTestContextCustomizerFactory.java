package io.easyrpc.test.autoconfigure;

import java.util.List;

import io.easyrpc.annotation.RpcClient;
import io.easyrpc.autoconfigure.RpcClientsRegistrar;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Registers the proxy beans of the clients an {@link RpcClientTest @RpcClientTest} names,
 * so that a client outside the application's packages is a bean too. Clients inside them
 * are found by the client auto-configuration as well, which leaves an existing bean of
 * the same interface alone.
 */
class RpcClientTestContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		List<Class<?>> clients = clients(testClass);
		return clients.isEmpty() ? null : new NamedClients(clients);
	}

	static List<Class<?>> clients(Class<?> testClass) {
		RpcClientTest annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass, RpcClientTest.class);
		return (annotation != null) ? List.of(annotation.clients()) : List.of();
	}

	private record NamedClients(List<Class<?>> clients) implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			if (!(context instanceof BeanDefinitionRegistry registry)) {
				return;
			}
			for (Class<?> type : this.clients) {
				if (!type.isInterface() || !AnnotatedElementUtils.hasAnnotation(type, RpcClient.class)) {
					throw new IllegalStateException(
							"@RpcClientTest names " + type.getName() + ", which is not an @RpcClient interface");
				}
				String name = RpcClientsRegistrar.beanName(type);
				if (!registry.containsBeanDefinition(name)) {
					registry.registerBeanDefinition(name, RpcClientsRegistrar.clientBeanDefinition(type));
				}
			}
		}

	}

}
