package io.easyrpc.autoconfigure.websocket;

import java.util.Map;

import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerProperties;
import io.easyrpc.server.RpcServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.util.StringUtils;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;
import org.springframework.web.socket.server.support.OriginHandshakeInterceptor;
import org.springframework.web.socket.server.support.WebSocketHandlerMapping;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

/**
 * Auto-configuration of the WebSocket transport: when the application runs a servlet web
 * server with spring-websocket and serves easyrpc services, they are reachable at
 * {@code ws://host:server.port/easyrpc} ({@code easyrpc.server.websocket.path}). Pages
 * from other origins are refused unless {@code easyrpc.server.websocket.allowed-origins}
 * or {@code allowed-origin-patterns} allow them.
 */
@AutoConfiguration(after = EasyRpcServerAutoConfiguration.class)
@ConditionalOnClass({ WebSocketHandler.class, WebSocketHandlerMapping.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(RpcServer.class)
@ConditionalOnBooleanProperty(name = "easyrpc.server.websocket.enabled", matchIfMissing = true)
public final class EasyRpcWebSocketAutoConfiguration {

	/** Order of the handler mapping: before static resources and welcome pages. */
	static final int HANDLER_MAPPING_ORDER = 1;

	@Bean
	@ConditionalOnMissingBean
	RpcWebSocketHandler rpcWebSocketHandler(RpcServer server) {
		return new RpcWebSocketHandler(server);
	}

	@Bean
	WebSocketHandlerMapping rpcWebSocketHandlerMapping(RpcWebSocketHandler handler,
			EasyRpcServerProperties properties) {
		EasyRpcServerProperties.WebSocket websocket = properties.getWebsocket();
		String path = websocket.getPath();
		if (!StringUtils.hasText(path) || !path.startsWith("/")) {
			throw new IllegalStateException(
					"easyrpc.server.websocket.path must start with '/', for example /easyrpc; it is '" + path + "'");
		}
		OriginHandshakeInterceptor origins = new OriginHandshakeInterceptor(websocket.getAllowedOrigins());
		origins.setAllowedOriginPatterns(websocket.getAllowedOriginPatterns());
		WebSocketHttpRequestHandler requestHandler = new WebSocketHttpRequestHandler(handler,
				new DefaultHandshakeHandler());
		requestHandler.getHandshakeInterceptors().add(origins);
		WebSocketHandlerMapping mapping = new WebSocketHandlerMapping();
		mapping.setUrlMap(Map.of(path, requestHandler));
		mapping.setOrder(HANDLER_MAPPING_ORDER);
		return mapping;
	}

}
