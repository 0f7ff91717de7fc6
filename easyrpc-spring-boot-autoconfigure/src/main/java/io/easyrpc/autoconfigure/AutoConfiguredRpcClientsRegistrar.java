package io.easyrpc.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers {@link io.easyrpc.annotation.RpcClient @RpcClient} proxies found in the
 * application's auto-configuration packages (the package of the
 * {@code @SpringBootApplication} class and below), the way Spring Data finds
 * repositories.
 */
class AutoConfiguredRpcClientsRegistrar extends RpcClientsRegistrar {

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		if (!AutoConfigurationPackages.has(getBeanFactory())) {
			return;
		}
		List<String> packages = AutoConfigurationPackages.get(getBeanFactory());
		register(registry, scan(packages));
	}

}
