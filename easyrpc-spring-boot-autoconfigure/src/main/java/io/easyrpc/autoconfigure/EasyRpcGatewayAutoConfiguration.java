package io.easyrpc.autoconfigure;

import java.util.Map;

import io.easyrpc.gateway.GatewayTarget;
import io.easyrpc.server.RpcServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of gateway routes: for each
 * {@code easyrpc.gateway.routes.<prefix>.target} the easyrpc server forwards the calls
 * under {@code <prefix>/} to that entry of {@code easyrpc.client.targets}, through the
 * channel its clients share. A route that names no target, an unknown target or a prefix
 * that cannot be one fails the start-up with a message naming the property. Routes make
 * the server start even without {@code @RpcService} beans.
 */
@AutoConfiguration(before = EasyRpcServerAutoConfiguration.class, after = EasyRpcClientAutoConfiguration.class)
@ConditionalOnRpcServerEnabled
@EnableConfigurationProperties(EasyRpcGatewayProperties.class)
public final class EasyRpcGatewayAutoConfiguration {

	@Bean
	RpcServerBuilderCustomizer easyRpcGatewayRoutes(EasyRpcGatewayProperties properties,
			ObjectProvider<RpcClientFactory> clients) {
		return (builder) -> {
			for (Map.Entry<String, EasyRpcGatewayProperties.Route> entry : properties.getRoutes().entrySet()) {
				String prefix = entry.getKey();
				String property = "easyrpc.gateway.routes." + prefix + ".target";
				try {
					RpcServer.Builder.checkPrefix(prefix);
				}
				catch (IllegalArgumentException ex) {
					throw new RpcConfigurationException("easyrpc.gateway.routes." + prefix,
							"easyrpc.gateway.routes." + prefix + ": " + ex.getMessage(), null, ex);
				}
				String target = (entry.getValue() != null) ? entry.getValue().getTarget() : null;
				if (!StringUtils.hasText(target)) {
					throw new RpcConfigurationException(property,
							property + " is not set: name the entry of easyrpc.client.targets to forward to");
				}
				RpcClientFactory factory = clients.getIfAvailable();
				if (factory == null) {
					throw new RpcConfigurationException("easyrpc.client.enabled",
							property + " needs easyrpc clients, but easyrpc.client.enabled is false");
				}
				builder.route(prefix, GatewayTarget.of(factory.targetChannel(target, property)));
			}
		};
	}

}
