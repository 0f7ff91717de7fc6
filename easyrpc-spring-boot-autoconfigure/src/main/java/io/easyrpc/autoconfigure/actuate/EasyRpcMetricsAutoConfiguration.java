package io.easyrpc.autoconfigure.actuate;

import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcClientProperties;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.RpcClientFactory;
import io.easyrpc.server.RpcServer;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of easyrpc's gauges and counters when Micrometer metrics are set up.
 */
@AutoConfiguration(
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" },
		before = { EasyRpcServerAutoConfiguration.class, EasyRpcClientAutoConfiguration.class })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class EasyRpcMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EasyRpcMetrics easyRpcMetrics(ObjectProvider<RpcServer> server, ObjectProvider<RpcClientFactory> clients,
			ObjectProvider<EasyRpcClientProperties> clientProperties) {
		return new EasyRpcMetrics(server, clients, clientProperties);
	}

}
