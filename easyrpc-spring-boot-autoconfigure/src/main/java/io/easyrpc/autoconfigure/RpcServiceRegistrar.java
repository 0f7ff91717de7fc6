package io.easyrpc.autoconfigure;

import java.lang.reflect.Method;
import java.util.Map;

import io.easyrpc.RpcMethod;
import io.easyrpc.RpcMethodLookup;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.server.MethodOptions;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Registers every {@link RpcService @RpcService} bean with the {@link ServiceRegistry}
 * once all singletons exist, with the {@link RpcMethod @RpcMethod} options the core reads
 * (the implementation's method first, then the interface's), found through Spring's
 * merged annotations and adjusted by {@code easyrpc.server.methods.*}. A refused service
 * (an overloaded name, a key served twice) fails the start-up with a message that names
 * the methods.
 */
class RpcServiceRegistrar implements SmartInitializingSingleton {

	// Spring's search also finds @RpcMethod through bridge methods and on the methods
	// of proxied classes.
	static final RpcMethodLookup MERGED_RPC_METHOD = (method) -> AnnotatedElementUtils.findMergedAnnotation(method,
			RpcMethod.class);

	private final ApplicationContext context;

	private final ServiceRegistry registry;

	private final EasyRpcServerProperties properties;

	RpcServiceRegistrar(ApplicationContext context, ServiceRegistry registry, EasyRpcServerProperties properties) {
		this.context = context;
		this.registry = registry;
		this.properties = properties;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (Map.Entry<String, Object> bean : this.context.getBeansWithAnnotation(RpcService.class).entrySet()) {
			Object target = bean.getValue();
			Class<?> userClass = ClassUtils.getUserClass(AopUtils.getTargetClass(target));
			RpcService annotation = AnnotatedElementUtils.findMergedAnnotation(userClass, RpcService.class);
			if (annotation == null) {
				continue;
			}
			ServiceDefinition definition;
			try {
				definition = ServiceDefinition.builder(target)
					.type(userClass)
					.name(annotation.name())
					.group(annotation.group())
					.methodOptions((method) -> options(method, userClass))
					.middleware(middleware(annotation))
					.build();
				this.registry.register(definition);
			}
			catch (RuntimeException ex) {
				throw new RpcConfigurationException(null,
						"Cannot serve @RpcService bean '" + bean.getKey() + "': " + ex.getMessage(),
						"Correct the @RpcService bean '" + bean.getKey() + "' (its name, group and methods) as the "
								+ "description says.",
						ex);
			}
		}
	}

	// Per-service middleware named by type: the context's bean of that type if there is
	// exactly one, else an instance created (and autowired) for this service.
	private RpcMiddleware[] middleware(RpcService annotation) {
		Class<? extends RpcMiddleware>[] types = annotation.middleware();
		RpcMiddleware[] middleware = new RpcMiddleware[types.length];
		for (int i = 0; i < types.length; i++) {
			ObjectProvider<? extends RpcMiddleware> provider = this.context.getBeanProvider(types[i]);
			RpcMiddleware bean = provider.getIfUnique();
			middleware[i] = (bean != null) ? bean : this.context.getAutowireCapableBeanFactory().createBean(types[i]);
		}
		return middleware;
	}

	private MethodOptions options(Method method, Class<?> userClass) {
		MethodOptions options = MethodOptions.annotated(method, userClass, MERGED_RPC_METHOD);
		return applyProperties(options, method, userClass);
	}

	private MethodOptions applyProperties(MethodOptions options, Method method, Class<?> userClass) {
		if (this.properties.getMethods().isEmpty()) {
			return options;
		}
		RpcService service = AnnotatedElementUtils.findMergedAnnotation(userClass, RpcService.class);
		String serviceName = (service != null && !service.name().isEmpty()) ? service.name()
				: method.getDeclaringClass().getSimpleName();
		String methodName = (options.name() != null && !options.name().isEmpty()) ? options.name() : method.getName();
		String key = io.easyrpc.internal.protocol.MethodKeys.key((service != null) ? service.group() : null,
				serviceName, methodName);
		EasyRpcServerProperties.Method settings = this.properties.getMethods().get(key);
		if (settings == null) {
			return options;
		}
		if (settings.getNonBlocking() != null) {
			options = options.withNonBlocking(settings.getNonBlocking());
		}
		if (settings.getMaxConcurrency() != null) {
			options = options.withMaxConcurrency(settings.getMaxConcurrency());
		}
		if (settings.getLocalOnly() != null) {
			options = options.withLocalOnly(settings.getLocalOnly());
		}
		return options;
	}

}
