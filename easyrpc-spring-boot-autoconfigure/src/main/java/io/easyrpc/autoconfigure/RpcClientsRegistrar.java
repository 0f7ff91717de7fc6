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

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.TypeExcludeFilter;
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
 * Each bean is made by the application's {@link RpcClientFactory} bean (the
 * auto-configured one or the user's own) and named after the interface
 * ({@code inventoryClient} for {@code InventoryClient}) unless
 * {@link RpcClient#beanName()} says otherwise. Nothing is registered when
 * {@code easyrpc.client.enabled} is {@code false}.
 */
public class RpcClientsRegistrar
		implements ImportBeanDefinitionRegistrar, BeanFactoryAware, EnvironmentAware, ResourceLoaderAware {

	/** Name of the auto-configured {@link RpcClientFactory} bean. */
	public static final String FACTORY_BEAN_NAME = "easyRpcClientFactory";

	private static final String ENABLED_PROPERTY = "easyrpc.client.enabled";

	private static final String CLIENT_ATTRIBUTE = "easyrpcClient";

	private BeanFactory beanFactory;

	private Environment environment;

	private ResourceLoader resourceLoader;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	/**
	 * Return the bean factory the proxies are registered in.
	 * @return the bean factory
	 */
	protected final BeanFactory getBeanFactory() {
		return this.beanFactory;
	}

	private boolean isEnabled() {
		return this.environment == null || this.environment.getProperty(ENABLED_PROPERTY, Boolean.class, true);
	}

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
		if (attributes == null || !isEnabled()) {
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
		// Like component scanning, leave out what TypeExcludeFilter beans exclude (a
		// test slice naming its clients).
		if (this.beanFactory != null) {
			TypeExcludeFilter excludeFilter = new TypeExcludeFilter();
			excludeFilter.setBeanFactory(this.beanFactory);
			scanner.addExcludeFilter(excludeFilter);
		}
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
			registry.registerBeanDefinition(beanName, clientBeanDefinition(type));
		}
	}

	/**
	 * Return the definition of the proxy bean of a client interface. It names the static
	 * factory method {@link #createClient(Class, RpcClientFactory)} with the interface as
	 * its argument rather than an instance supplier, so that ahead-of-time processing can
	 * write it out as code.
	 * @param type the {@code @RpcClient} interface
	 * @return the bean definition
	 */
	public static RootBeanDefinition clientBeanDefinition(Class<?> type) {
		RootBeanDefinition definition = new RootBeanDefinition(RpcClientsRegistrar.class);
		definition.setFactoryMethodName("createClient");
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, type);
		definition.setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR);
		definition.setTargetType(type);
		definition.setAttribute(CLIENT_ATTRIBUTE, Boolean.TRUE);
		return definition;
	}

	/**
	 * Create the proxy of a client interface: the factory method of the beans this
	 * registrar defines, public so that code generated ahead of time can call it.
	 * @param <T> the interface type
	 * @param type the interface
	 * @param factory the application's client factory
	 * @return the proxy
	 */
	public static <T> T createClient(Class<T> type, RpcClientFactory factory) {
		return factory.createClient(type);
	}

	/**
	 * Return the bean name of a client interface's proxy: {@link RpcClient#beanName()},
	 * else the interface's simple name with a lower-case first letter.
	 * @param type the {@code @RpcClient} interface
	 * @return the bean name
	 */
	public static String beanName(Class<?> type) {
		RpcClient annotation = AnnotatedElementUtils.findMergedAnnotation(type, RpcClient.class);
		if (annotation != null && StringUtils.hasText(annotation.beanName())) {
			return annotation.beanName();
		}
		return Introspector.decapitalize(type.getSimpleName());
	}

}
