package io.easyrpc.benchmark.targets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.easyrpc.autoconfigure.EasyRpcServerLifecycle;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The easyrpc server under test, run the way users run it: a Spring Boot application with
 * one {@link io.easyrpc.annotation.RpcService @RpcService} bean, default executor,
 * loopback only, on a free port.
 * <p>
 * With {@code --instances=N} the JVM runs N such applications, each with its own server
 * on its own free port, as N instances of one service.
 */
@SpringBootApplication
public class EasyRpcBenchmarkServer {

	private static final String INSTANCES = "--instances=";

	/**
	 * Start the server (or servers) and print {@code READY <port>[,<port>...]} once all
	 * serve.
	 * @param args {@code --instances=N} (default 1), then Spring Boot command line
	 * arguments
	 */
	public static void main(String[] args) {
		int instances = 1;
		List<String> springArgs = new ArrayList<>();
		for (String arg : args) {
			if (arg.startsWith(INSTANCES)) {
				instances = Integer.parseInt(arg.substring(INSTANCES.length()));
			}
			else {
				springArgs.add(arg);
			}
		}
		List<Integer> ports = new ArrayList<>();
		for (int i = 0; i < instances; i++) {
			ConfigurableApplicationContext context = application().run(springArgs.toArray(String[]::new));
			ports.add(context.getEnvironment()
				.getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY, Integer.class));
		}
		ServerSupport.ready(ports);
	}

	private static SpringApplication application() {
		SpringApplication application = new SpringApplication(EasyRpcBenchmarkServer.class);
		application.setBannerMode(Banner.Mode.OFF);
		// the micro measurements bring a servlet container to the class path; this server
		// stays plain TCP
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(
				Map.of("easyrpc.server.host", "127.0.0.1", "easyrpc.server.port", "0", "logging.level.root", "WARN",
						"logging.level.io.easyrpc.server.RpcServer", "INFO", "spring.main.log-startup-info", "false"));
		return application;
	}

}
