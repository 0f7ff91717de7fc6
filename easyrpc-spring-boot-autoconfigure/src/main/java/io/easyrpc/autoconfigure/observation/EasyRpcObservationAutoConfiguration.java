package io.easyrpc.autoconfigure.observation;

import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of Micrometer observations for easyrpc calls on both sides, through
 * the application's {@link ObservationRegistry}: timers with Micrometer's metrics
 * handler, spans and trace propagation with a tracing bridge. Switched off by
 * {@code easyrpc.observation.enabled=false}.
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
		before = { EasyRpcServerAutoConfiguration.class, EasyRpcClientAutoConfiguration.class })
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "easyrpc.observation.enabled", matchIfMissing = true)
public final class EasyRpcObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ObservationServerCallObserver easyRpcServerObservationObserver(ObservationRegistry registry,
			ObjectProvider<EasyRpcServerObservationConvention> convention) {
		return new ObservationServerCallObserver(registry, convention.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean
	ObservationClientCallObserver easyRpcClientObservationObserver(ObservationRegistry registry,
			ObjectProvider<EasyRpcClientObservationConvention> convention) {
		return new ObservationClientCallObserver(registry, convention.getIfUnique());
	}

}
