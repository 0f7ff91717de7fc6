package io.easyrpc.autoconfigure.websocket;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the servlet applications of the WebSocket tests on free ports of the loopback
 * interface.
 */
final class ServletApplications {

	private ServletApplications() {
	}

	/**
	 * Run an application with a servlet web server and an easyrpc server on free ports.
	 * @param application the application's configuration class
	 * @param properties further properties, as {@code name=value}
	 * @return the running context
	 */
	static ConfigurableApplicationContext run(Class<?> application, String... properties) {
		SpringApplication spring = new SpringApplication(application);
		spring.setWebApplicationType(WebApplicationType.SERVLET);
		String[] args = new String[properties.length + 4];
		args[0] = "--server.port=0";
		args[1] = "--easyrpc.server.host=127.0.0.1";
		args[2] = "--easyrpc.server.port=0";
		args[3] = "--spring.lifecycle.timeout-per-shutdown-phase=2s";
		for (int i = 0; i < properties.length; i++) {
			args[i + 4] = "--" + properties[i];
		}
		return spring.run(args);
	}

	/**
	 * Return the port of a running application's web server.
	 * @param context the context
	 * @return the port
	 */
	static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

}
