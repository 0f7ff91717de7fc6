package io.easyrpc.it;

import io.easyrpc.autoconfigure.EasyRpcServerProperties;
import io.easyrpc.autoconfigure.websocket.EasyRpcWebSocketAutoConfiguration;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * The transport contract over WebSocket: the server's services on the endpoint of a
 * servlet web server, called by a client with a {@code ws://} address.
 */
class WebSocketTransportContractTests extends TransportContractTests {

	@Override
	protected RpcAddress bindAddress() {
		return RpcAddress.tcp("127.0.0.1", 0);
	}

	@Override
	protected RpcAddress clientAddress(RpcServer server) {
		SpringApplication application = new SpringApplication(WebEndpoint.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		application.addInitializers((context) -> context.getBeanFactory().registerSingleton("rpcServer", server));
		ConfigurableApplicationContext context = application.run("--server.port=0", "--server.address=127.0.0.1",
				"--spring.main.banner-mode=off", "--spring.lifecycle.timeout-per-shutdown-phase=1s");
		// Closed with the fixture, before the server stops.
		this.rpc.onClose(context::close);
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return RpcAddress.parse("ws://127.0.0.1:" + port + "/easyrpc");
	}

	@Override
	protected String transport() {
		return CallInfo.WEBSOCKET;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(EasyRpcServerProperties.class)
	@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
			WebMvcAutoConfiguration.class, EasyRpcWebSocketAutoConfiguration.class })
	static class WebEndpoint {

	}

}
