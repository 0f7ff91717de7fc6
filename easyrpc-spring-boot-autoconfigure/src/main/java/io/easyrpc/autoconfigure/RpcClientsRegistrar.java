package io.easyrpc.autoconfigure;

import java.beans.Introspector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;

import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Registers a proxy bean for each {@link RpcClient @RpcClient} interface in the packages
 * named by {@link EnableRpcClients @EnableRpcClients}, and for each interface it lists.
 * Each bean is made by the {@link RpcClientFactory} bean and named after the interface
 * ({@code inventoryClient} for {@code InventoryClient}) unless
 * {@link RpcClient#beanName()} says otherwise.
 */
public class RpcClientsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, ResourceLoaderAware {

	/** Name of the {@link RpcClientFactory} bean that creates the proxies. */
	public static final String FACTORY_BEAN_NAME = "easyRpcClientFactory";

	private Environment environment;

	private ResourceLoader resourceLoader;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setResourceLoader(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Map<String, Object> attributes = metadata.getAnnotationAttributes(EnableRpcClients.class.getName(), true);
		if (attributes == null) {
			return;
		}
		Set<String> packages = new LinkedHashSet<>();
		for (String name : (String[]) attributes.get("basePackages")) {
			if (StringUtils.hasText(name)) {
				packages.add(name.trim());
			}
		}
		for (String className : (String[]) attributes.get("basePackageClasses")) {
			packages.add(ClassUtils.getPackageName(className));
		}
		String[] clients = (String[]) attributes.get("clients");
		if (packages.isEmpty() && clients.length == 0) {
			packages.add(ClassUtils.getPackageName(metadata.getClassName()));
		}
		List<String> types = new ArrayList<>(scan(packages));
		types.addAll(List.of(clients));
		register(registry, types);
	}

	Collection<String> scan(Collection<String> packages) {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false,
				this.environment) {

			@Override
			protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
				return definition.getMetadata().isInterface() && definition.getMetadata().isIndependent();
			}

		};
		if (this.resourceLoader != null) {
			scanner.setResourceLoader(this.resourceLoader);
		}
		scanner.addIncludeFilter(new AnnotationTypeFilter(RpcClient.class, true, true));
		Set<String> found = new LinkedHashSet<>();
		for (String basePackage : packages) {
			for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
				found.add(candidate.getBeanClassName());
			}
		}
		return found;
	}

	void register(BeanDefinitionRegistry registry, Collection<String> typeNames) {
		ClassLoader classLoader = (this.resourceLoader != null) ? this.resourceLoader.getClassLoader()
				: ClassUtils.getDefaultClassLoader();
		for (String typeName : typeNames) {
			Class<?> type = ClassUtils.resolveClassName(typeName, classLoader);
			if (!type.isInterface()) {
				throw new IllegalStateException("@RpcClient must be on an interface: " + typeName);
			}
			String beanName = beanName(type);
			if (registry.containsBeanDefinition(beanName)) {
				BeanDefinition existing = registry.getBeanDefinition(beanName);
				if (existing instanceof RootBeanDefinition root && root.getTargetType() == type) {
					continue;
				}
				beanName = type.getName();
				if (registry.containsBeanDefinition(beanName)) {
					continue;
				}
			}
			RootBeanDefinition definition = new RootBeanDefinition();
			definition.setTargetType(type);
			definition.setFactoryBeanName(FACTORY_BEAN_NAME);
			definition.setFactoryMethodName("createClient");
			definition.getConstructorArgumentValues().addGenericArgumentValue(type);
			definition.setAttribute("easyrpcClient", Boolean.TRUE);
			registry.registerBeanDefinition(beanName, definition);
		}
	}

	private static String beanName(Class<?> type) {
		RpcClient annotation = AnnotatedElementUtils.findMergedAnnotation(type, RpcClient.class);
		if (annotation != null && StringUtils.hasText(annotation.beanName())) {
			return annotation.beanName();
		}
		return Introspector.decapitalize(type.getSimpleName());
	}

}
