package io.easyrpc.test.autoconfigure;

import java.util.Set;

import io.easyrpc.annotation.RpcClient;

import org.springframework.boot.test.context.filter.annotation.StandardAnnotationCustomizableTypeExcludeFilter;

/**
 * The type exclude filter of {@link RpcClientTest @RpcClientTest}: of the scanned types
 * it lets through the named {@code @RpcClient} interfaces, or every {@code @RpcClient}
 * interface when none is named, and what the annotation's include filters add. The
 * easyrpc client auto-configuration applies it when it looks for {@code @RpcClient}
 * interfaces, as component scanning does.
 */
final class RpcClientTypeExcludeFilter extends StandardAnnotationCustomizableTypeExcludeFilter<RpcClientTest> {

	private final Set<Class<?>> clients;

	RpcClientTypeExcludeFilter(Class<?> testClass) {
		super(testClass);
		this.clients = Set.copyOf(RpcClientTestContextCustomizerFactory.clients(testClass));
	}

	@Override
	protected Set<Class<?>> getKnownIncludes() {
		return this.clients.isEmpty() ? Set.of(RpcClient.class) : Set.of();
	}

	@Override
	protected Set<Class<?>> getComponentIncludes() {
		return this.clients;
	}

}
