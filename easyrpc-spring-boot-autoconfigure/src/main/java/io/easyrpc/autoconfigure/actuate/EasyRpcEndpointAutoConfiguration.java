package io.easyrpc.autoconfigure.actuate;

import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.RpcClientFactory;
import io.easyrpc.server.RpcServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code easyrpc} actuator endpoint.
 */
@AutoConfiguration(after = { EasyRpcServerAutoConfiguration.class, EasyRpcClientAutoConfiguration.class })
@ConditionalOnClass(Endpoint.class)
@ConditionalOnAvailableEndpoint(EasyRpcEndpoint.class)
public final class EasyRpcEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EasyRpcEndpoint easyRpcEndpoint(ObjectProvider<RpcServer> server, ObjectProvider<RpcClientFactory> clients) {
		return new EasyRpcEndpoint(server, clients);
	}

}
