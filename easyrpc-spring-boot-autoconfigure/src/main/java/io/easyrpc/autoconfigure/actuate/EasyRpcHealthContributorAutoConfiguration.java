package io.easyrpc.autoconfigure.actuate;

import java.time.Duration;

import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.RpcClientFactory;
import io.easyrpc.server.RpcServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the {@code easyrpc} health indicator; switched off by
 * {@code management.health.easyrpc.enabled=false}. Targets are pinged on each check when
 * {@code easyrpc.client.health.probe=true}, each within
 * {@code easyrpc.client.health.probe-timeout}.
 */
@AutoConfiguration(after = { EasyRpcServerAutoConfiguration.class, EasyRpcClientAutoConfiguration.class })
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("easyrpc")
public final class EasyRpcHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "easyrpcHealthIndicator")
	EasyRpcHealthIndicator easyrpcHealthIndicator(ObjectProvider<RpcServer> server,
			ObjectProvider<RpcClientFactory> clients, Environment environment) {
		boolean down = environment.getProperty("easyrpc.client.health.down-when-unavailable", Boolean.class, false);
		boolean probe = environment.getProperty("easyrpc.client.health.probe", Boolean.class, false);
		Duration probeTimeout = Binder.get(environment)
			.bind("easyrpc.client.health.probe-timeout", Duration.class)
			.orElse(Duration.ofSeconds(2));
		return new EasyRpcHealthIndicator(server, clients, down, probe ? probeTimeout : null);
	}

}
